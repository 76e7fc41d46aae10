using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The text the message pipeline sends a customer who writes outside working hours: the
/// integration's <c>out_of_hours_message</c> setting (its <c>{next_open}</c> replaced by the next
/// opening, e.g. "tomorrow at 09:00"), or the default text, Ukrainian when the profile's country is
/// UA and English otherwise (<see cref="OutOfHoursMessage.Render"/>). The opening is computed in the
/// profile's time zone from the same cached schedule the pipeline decides with.
/// </summary>
public sealed class OutOfHoursReplies(IWorkingScheduleSource schedules)
{
    /// <summary>The integration setting that holds the owner's own text.</summary>
    public const string TemplateSetting = "out_of_hours_message";

    /// <summary>
    /// The reply for a message that arrived at <paramref name="now"/>, when the schedule is closed.
    /// <paramref name="integration"/> must belong to <paramref name="profile"/>'s tenant. Reads the
    /// schedule through <see cref="IWorkingScheduleSource"/> (cached).
    /// </summary>
    public async ValueTask<string> RenderAsync(
        TenantProfile profile, Integration integration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(integration);
        if (!string.Equals(profile.TenantId, integration.TenantId, StringComparison.Ordinal))
        {
            throw new ArgumentException("The integration belongs to another tenant than the profile.", nameof(integration));
        }
        var schedule = await schedules.GetAsync(profile.TenantId, integration.Id, profile.TimeZone, cancellationToken).ConfigureAwait(false);
        return Render(schedule, integration, profile, Instant.FromDateTimeOffset(now));
    }

    /// <summary>
    /// As <see cref="RenderAsync"/>, for a caller that already holds the compiled schedule. The
    /// opening is the first one after <paramref name="now"/>; when the schedule never opens again the
    /// text says so without a time.
    /// </summary>
    public static string Render(WorkingSchedule schedule, Integration integration, TenantProfile profile, Instant now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(profile);
        var nextOpen = schedule.NextOpening(now) is { } opening ? opening.InZone(schedule.Zone).ToOffsetDateTime() : (OffsetDateTime?)null;
        var nowLocal = now.InZone(schedule.Zone).ToOffsetDateTime();
        return OutOfHoursMessage.Render(integration.Setting(TemplateSetting), nextOpen, profile.Country, nowLocal);
    }
}
