using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Catalog;

public static class CatalogRegistration
{
    /// <summary>The spheres and integration types as served, their seed and their overrides.</summary>
    public static IServiceCollection AddSpheresCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton<CatalogStore>();
        services.TryAddSingleton<CatalogService>();
        services.TryAddSingleton<CatalogAdministration>();
        return services;
    }
}
