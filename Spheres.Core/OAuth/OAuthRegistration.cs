using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.OAuth;

/// <summary>Connecting by consent (confirmed by the owner who asked for it), and keeping those connections alive: refresh and push renewal.</summary>
public static class OAuthRegistration
{
    public static IServiceCollection AddSpheresOAuth(this IServiceCollection services)
    {
        services.TryAddSingleton<OAuthStateStore>();
        services.TryAddSingleton<OAuthConnect>();
        services.TryAddSingleton<OAuthCallback>();
        services.TryAddSingleton<PendingGrants>();
        services.TryAddSingleton<OAuthConfirm>();
        services.TryAddSingleton<ConsentExpiry>();
        services.TryAddSingleton<AccountSelection>();
        services.TryAddSingleton<IntegrationLeases>();
        services.TryAddSingleton<OAuthSchedule>();
        services.TryAddSingleton<TokenRefresher>();
        services.TryAddSingleton<FreshAccessTokens>();
        services.TryAddSingleton<PushRenewal>();
        return services;
    }
}
