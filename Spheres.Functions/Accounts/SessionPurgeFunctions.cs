using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;

namespace Spheres.Functions.Accounts;

/// <summary>
/// Every night: refresh and password-reset tokens past their expiry are deleted, so a tenant's partition does not grow with
/// every refresh; and sign-in counters whose window ended and client addresses not seen for 30 days, in every email.
/// </summary>
public sealed class SessionPurgeFunctions(SessionStore sessions, LoginThrottle throttle, TimeProvider time, ILogger<SessionPurgeFunctions> logger)
{
    /// <summary>Bounds one run; what is left is purged the next night.</summary>
    public const int MaxPurgedPerRun = 50_000;

    [Function("PurgeExpiredSessionTokens")]
    public async Task PurgeAsync(
        [TimerTrigger("0 30 3 * * *")] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        var purged = await sessions.PurgeExpiredAsync(time.GetUtcNow(), MaxPurgedPerRun, cancellationToken);
        var attempts = await throttle.PurgeExpiredAsync(time.GetUtcNow(), MaxPurgedPerRun, cancellationToken);
        logger.LogInformation("Purged {Count} expired refresh and reset tokens and {Attempts} sign-in counters", purged, attempts);
    }
}
