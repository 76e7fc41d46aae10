using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Operations;

public static class OperationsRegistration
{
    /// <summary>What the business must do with tenants' data: export, erasure, retention, support's lookup, and the queue backlog the alerts read.</summary>
    public static IServiceCollection AddSpheresOperations(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SupportLookup>();
        services.TryAddSingleton<ErasureJobs>();
        services.TryAddSingleton<QueuePurge>();
        services.TryAddSingleton<ErasureSteps>();
        services.TryAddSingleton<AccountErasure>();
        services.TryAddSingleton<ExportOptions>();
        services.TryAddSingleton<AccountExport>();
        services.TryAddSingleton<DataRetention>();
        services.TryAddSingleton<QueueBacklog>();
        return services;
    }
}
