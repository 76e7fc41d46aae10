using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;
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
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<Passwords>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ProfileService>();
        return services;
    }
}
