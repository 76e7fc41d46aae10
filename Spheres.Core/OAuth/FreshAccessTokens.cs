using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.OAuth;

/// <summary>
/// An integration's access token for an outbound call: the stored one while it is valid, else refreshed first
/// through <see cref="TokenRefresher"/> (same lease, so a call and the timer never both exchange the refresh token).
/// </summary>
public sealed class FreshAccessTokens(IntegrationStore store, ICredentialVault vault, TokenRefresher refresher, TimeProvider time)
{
    /// <summary>A token this close to expiry is refreshed before use: a call takes a few seconds.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    private const int MaxAttempts = 10;
    private static readonly TimeSpan BusyWait = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The access token to use now. 409 <c>relink-required</c> when the provider refused our refresh token,
    /// 503 when the provider could not refresh it now (the caller retries later).
    /// </summary>
    public async Task<string> GetFreshAccessTokenAsync(Integration integration, CancellationToken cancellationToken)
    {
        var current = integration;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (current is null || current.CredentialsRef is null) throw ProblemException.NotFound("The integration has no credentials.");
            if (current.Status == IntegrationStatus.RelinkRequired) throw RelinkRequired(current);
            if (current.TokenExpiresAt is not { } expiresAt || expiresAt > time.GetUtcNow() + Skew)
            {
                if (await StoredTokenAsync(current, cancellationToken).ConfigureAwait(false) is { } token) return token;
            }
            var outcome = await refresher.RefreshAsync(current.TenantId, current.Id, cancellationToken).ConfigureAwait(false);
            if (outcome == RefreshOutcome.RetryLater) break;
            // Real time on purpose: the other holder finishes in wall-clock time, whatever clock the app reads.
            if (outcome == RefreshOutcome.Busy) await Task.Delay(BusyWait, cancellationToken).ConfigureAwait(false);
            if (outcome == RefreshOutcome.NotRefreshable && await StoredTokenAsync(current, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored; // no refresh token: the stored one is all there is, the provider decides
            }
            current = await store.FindAsync(integration.TenantId, integration.Id, cancellationToken).ConfigureAwait(false);
        }
        throw new ProblemException(503, "provider-unreachable", "The provider did not refresh our access.", "Try again in a minute.")
        {
            RetryAfterSeconds = 60,
        };
    }

    private async Task<string?> StoredTokenAsync(Integration integration, CancellationToken cancellationToken) =>
        integration.CredentialsRef is { } reference
            ? (await vault.ReadAsync(reference, cancellationToken).ConfigureAwait(false))?.GetValueOrDefault("access_token")
            : null;

    private static ProblemException RelinkRequired(Integration integration) =>
        new(409, "relink-required", "Connect the account again.", integration.StatusDetail ?? "The provider no longer accepts our access: connect again.");
}
