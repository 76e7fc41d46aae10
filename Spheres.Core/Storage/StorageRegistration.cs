using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Configuration;

namespace Spheres.Core.Storage;

public static class StorageRegistration
{
    /// <summary>The storage clients, from <c>AzureWebJobsStorage</c>: its own value (a connection string) or its identity-based children.</summary>
    public static IServiceCollection AddSpheresStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var section = configuration.GetSection(SettingNames.Storage);
            options.ConnectionString = section.Value;
            options.TableServiceUri = section["tableServiceUri"];
            options.QueueServiceUri = section["queueServiceUri"];
            options.ClientId = section["clientId"];
        })
        .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || (o.TableServiceUri is { Length: > 0 } && o.QueueServiceUri is { Length: > 0 }),
            $"Storage is not configured: set {SettingNames.Storage} (a connection string) or {SettingNames.Storage}__tableServiceUri and __queueServiceUri.")
        .ValidateOnStart();
        services.TryAddSingleton<StorageClientSettings>();
        services.TryAddSingleton<SpheresStorage>();
        services.TryAddSingleton<StorageHealth>();
        return services;
    }
}
