using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.OAuth;

/// <summary>Keeping OAuth connections alive: refresh, push renewal, revocation, and Gmail's pushes.</summary>
public static class OAuthMaintenanceRegistration
{
    public static IServiceCollection AddSpheresOAuthMaintenance(this IServiceCollection services)
    {
        // No HttpClient logging: token requests and answers carry tokens.
        services.AddHttpClient<OAuthClientCalls>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.TryAddSingleton<IntegrationLeases>();
        services.TryAddSingleton<OAuthSchedule>();
        services.TryAddSingleton<TokenRefresher>();
        services.TryAddSingleton<FreshAccessTokens>();
        services.TryAddSingleton<OAuthRevocation>();
        services.TryAddSingleton<GooglePushRenewal>();
        services.AddHttpClient(nameof(Webhooks.GoogleOidcVerifier), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<Webhooks.GoogleOidcVerifier>();
        services.TryAddSingleton<Webhooks.GmailPushWebhook>();
        return services;
    }
}
