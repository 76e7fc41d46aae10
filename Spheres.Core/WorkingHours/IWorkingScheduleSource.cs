namespace Spheres.Core.WorkingHours;

/// <summary>
/// The compiled working hours of one integration, as the message pipeline asks for them on every
/// delivery. Implementations cache briefly, so a delivery does not reread storage each time.
/// </summary>
public interface IWorkingScheduleSource
{
    /// <summary>
    /// The integration's schedule (weekly rows and exceptions) in <paramref name="timeZone"/> (IANA).
    /// An integration without rows is always open, as <see cref="WorkingSchedule"/> defines.
    /// </summary>
    ValueTask<WorkingSchedule> GetAsync(string tenantId, int integrationId, string timeZone, CancellationToken cancellationToken);
}
