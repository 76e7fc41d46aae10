using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>
/// On disconnect (DELETE of the integration, account erasure): the provider is told to forget our grant, where it offers
/// revocation. Best effort, after the row is gone: a refusal or an outage is logged, without the token, and never fails the
/// disconnect. An app whose OAuth client for that provider is not configured skips it. A grant nobody confirmed (a consent
/// kept aside, see OAuth/PendingGrants) is revoked the same way, Meta's included.
/// </summary>
public sealed class GrantRevocation(ProviderRegistry registry, OAuthTokenClient tokens, ILogger<GrantRevocation> logger)
{
    public async Task RevokeAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (registry.Find<IOAuthConsent>(integration.TypeSlug)?.Provider is not { IssuesRefreshTokens: true } provider) return;
        await RevokeGrantAsync(provider, credentials, $"integration {integration.Id}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Revokes the grant these credentials hold at <paramref name="provider"/>; true when the provider confirmed (or has no
    /// revocation, or we are not configured to call it: nothing more can be done), false when it should be tried again.
    /// <paramref name="what"/> names it in the log (never a token).
    /// </summary>
    public async Task<bool> RevokeGrantAsync(OAuthProvider provider, IReadOnlyDictionary<string, string> credentials, string what,
        CancellationToken cancellationToken)
    {
        var client = tokens.ClientOf(provider);
        if (provider.RevokeEndpoint(client) is null) return true;
        if (!provider.IsClientConfigured(client))
        {
            logger.LogInformation("{What}: {Provider} OAuth client not configured; token not revoked", what, provider.Name);
            return true;
        }
        // Revoking the refresh token ends its access tokens too (Google, RFC 7009); Square's and Meta's revocation name the access token.
        var token = provider.Revocation is RevocationStyle.ClientHeaderJson or RevocationStyle.GraphPermissions
            ? credentials.GetValueOrDefault("access_token")
            : credentials.GetValueOrDefault("refresh_token") ?? credentials.GetValueOrDefault("access_token");
        if (token is null) return true;
        try
        {
            if (await tokens.RevokeAsync(provider, token, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("{What}: access revoked at {Provider}", what, provider.Name);
            }
            return true;
        }
        catch (OAuthTransientException e)
        {
            logger.LogWarning("{What}: revocation at {Provider} not confirmed ({Reason})", what, provider.Name, e.Message);
            return false;
        }
    }
}
