using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.WorkingHours;

public static class WorkingHoursRegistration
{
    /// <summary>Channels' weeks and exceptions, their cached compiled schedules, and the out-of-hours reply.</summary>
    public static IServiceCollection AddSpheresWorkingHours(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkingHoursStore>();
        services.TryAddSingleton<CachedWorkingScheduleSource>();
        // The message pipeline asks this on every inbound message: one shared cache per instance.
        services.TryAddSingleton<IWorkingScheduleSource>(sp => sp.GetRequiredService<CachedWorkingScheduleSource>());
        services.TryAddSingleton<WorkingHoursAccess>();
        services.TryAddSingleton<WorkingHoursService>();
        services.TryAddSingleton<ScheduleExceptionService>();
        services.TryAddSingleton<OutOfHoursReplies>();
        return services;
    }
}
