using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.OAuth;

/// <summary>
/// On disconnect (DELETE of the integration, account erasure): the provider is told to forget our grant, where
/// it offers revocation (not Meta). Best effort, after the row is gone: a refusal or an outage is logged, without
/// the token, and never fails the disconnect. An app whose OAuth client for that provider is not configured skips it.
/// </summary>
public sealed class OAuthRevocation(OAuthClientCalls calls, IConfiguration configuration, ILogger<OAuthRevocation> logger)
{
    public async Task RevokeAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (TokenRefresher.Refreshable(integration.TypeSlug) is not { } provider || provider.RevokeEndpoint(configuration) is null) return;
        if (!ConfiguredSecrets.IsUsable(configuration[provider.ClientIdSetting]) || !ConfiguredSecrets.IsUsable(configuration[provider.ClientSecretSetting]))
        {
            logger.LogInformation("Integration {IntegrationId}: {Provider} OAuth client not configured; token not revoked", integration.Id, provider.Name);
            return;
        }
        // Revoking the refresh token ends its access tokens too (Google, RFC 7009); Square revokes by access token.
        var token = provider == OAuthProviders.Square
            ? credentials.GetValueOrDefault("access_token")
            : credentials.GetValueOrDefault("refresh_token") ?? credentials.GetValueOrDefault("access_token");
        if (token is null) return;
        try
        {
            if (await calls.RevokeAsync(provider, token, cancellationToken).ConfigureAwait(false))
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
