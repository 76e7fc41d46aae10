using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>
/// On disconnect (DELETE of the integration, account erasure): the provider is told to forget our grant, where it offers
/// revocation. Best effort, after the row is gone: a refusal or an outage is logged, without the token, and never fails the
/// disconnect. An app whose OAuth client for that provider is not configured skips it.
/// </summary>
public sealed class GrantRevocation(ProviderRegistry registry, OAuthTokenClient tokens, ILogger<GrantRevocation> logger)
{
    public async Task RevokeAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (registry.Find<IOAuthConsent>(integration.TypeSlug)?.Provider is not { IssuesRefreshTokens: true } provider) return;
        var client = tokens.ClientOf(provider);
        if (provider.RevokeEndpoint(client) is null) return;
        if (!provider.IsClientConfigured(client))
        {
            logger.LogInformation("Integration {IntegrationId}: {Provider} OAuth client not configured; token not revoked", integration.Id, provider.Name);
            return;
        }
        // Revoking the refresh token ends its access tokens too (Google, RFC 7009); Square's revocation names the access token.
        var token = provider.Revocation == RevocationStyle.ClientHeaderJson
            ? credentials.GetValueOrDefault("access_token")
            : credentials.GetValueOrDefault("refresh_token") ?? credentials.GetValueOrDefault("access_token");
        if (token is null) return;
        try
        {
            if (await tokens.RevokeAsync(provider, token, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Integration {IntegrationId}: access revoked at {Provider}", integration.Id, provider.Name);
            }
        }
        catch (OAuthTransientException e)
        {
            logger.LogWarning("Integration {IntegrationId}: revocation at {Provider} not confirmed ({Reason})", integration.Id, provider.Name, e.Message);
        }
    }
}
