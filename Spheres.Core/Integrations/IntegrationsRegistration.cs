using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Integrations;

public static class IntegrationsRegistration
{
    /// <summary>Integration rows, the routing index, their cache, and the row changes connecting is made of.</summary>
    public static IServiceCollection AddSpheresIntegrations(this IServiceCollection services)
    {
        services.TryAddSingleton<IntegrationStore>();
        services.TryAddSingleton<WebhookRoutes>();
        services.TryAddSingleton<IntegrationCache>();
        services.TryAddSingleton<IntegrationRows>();
        services.TryAddSingleton<TenantIntegrations>();
        services.TryAddSingleton<WebhookUrls>();
        services.TryAddSingleton<ConnectionRequirements>();
        return services;
    }
}
