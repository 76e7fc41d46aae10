using Microsoft.Extensions.Logging;

namespace Spheres.Core.OAuth;

/// <summary>
/// The timer's sweep of what consent leaves behind: grants nobody confirmed within <see cref="PendingGrants.Lifetime"/>
/// are revoked at their provider and deleted; states and slots past their expiry are purged (an hour after, so a late
/// callback still hears <c>expired_state</c> rather than <c>invalid_state</c>). Each run is bounded; the next takes the rest.
/// </summary>
public sealed class ConsentExpiry(PendingGrants grants, OAuthStateStore states, TimeProvider time, ILogger<ConsentExpiry> logger)
{
    public const int MaxGrantsPerRun = 200;
    public const int MaxStatesPerRun = 5_000;
    public static readonly TimeSpan StateGrace = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var revoked = await grants.RevokeExpiredAsync(MaxGrantsPerRun, cancellationToken).ConfigureAwait(false);
        var purged = await states.PurgeExpiredAsync(time.GetUtcNow() - StateGrace, MaxStatesPerRun, cancellationToken).ConfigureAwait(false);
        if (revoked + purged > 0) logger.LogInformation("OAuth sweep: {Revoked} unconfirmed consents revoked, {Purged} expired states purged", revoked, purged);
    }
}
