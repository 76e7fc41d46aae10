using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Catalog;
using Spheres.Core.Storage;

namespace Spheres.Core;

public static class ServiceRegistration
{
    /// <summary>Registers every Core service. Hosts call this once; tests may replace TimeProvider first.</summary>
    public static IServiceCollection AddSpheresCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageClientSettings>();
        services.TryAddSingleton(sp => new SpheresStorage(configuration, sp.GetRequiredService<StorageClientSettings>()));
        services.TryAddSingleton<CatalogStore>();
        services.TryAddSingleton<CatalogService>();
        return services;
    }
}
