using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Notifications;

namespace Spheres.Core.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>The professional plan's reports, cached until the tenant's data changes (analytics listens for that).</summary>
    public static IServiceCollection AddSpheresAnalytics(this IServiceCollection services)
    {
        services.TryAddSingleton<AnalyticsService>();
        services.TryAddSingleton<AnalyticsCache>();
        services.TryAddSingleton<AnalyticsComputeLimit>();
        services.TryAddSingleton<AnalyticsStaleness>();
        services.TryAddSingleton<ITenantDataChanged>(sp => sp.GetRequiredService<AnalyticsStaleness>());
        return services;
    }
}
