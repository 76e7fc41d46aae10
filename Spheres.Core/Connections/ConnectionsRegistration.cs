using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Connections;

public static class ConnectionsRegistration
{
    /// <summary>The use cases behind <c>/integrations/api</c>, one class each.</summary>
    public static IServiceCollection AddSpheresConnections(this IServiceCollection services)
    {
        services.TryAddSingleton<IntegrationViews>();
        services.TryAddSingleton<CreateIntegration>();
        services.TryAddSingleton<ChangeIntegration>();
        services.TryAddSingleton<RetiredCredentials>();
        services.TryAddSingleton<ActivateIntegration>();
        services.TryAddSingleton<DeactivateIntegration>();
        services.TryAddSingleton<DeleteIntegration>();
        return services;
    }
}
