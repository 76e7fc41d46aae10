using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The shape of <c>GET …/working_hours/status/</c>: whether the schedule is open now, and the next
/// changes. Every time carries the zone's offset at that instant (so a time after a DST change shows
/// the new offset). See <see cref="WorkingSchedule.NextOpening"/> and
/// <see cref="WorkingSchedule.NextClosing"/> for when the two are null.
/// </summary>
public sealed record WorkingHoursStatus(
    bool IsOpen,
    string TimeZone,
    OffsetDateTime NowLocal,
    OffsetDateTime? NextOpenAt,
    OffsetDateTime? NextCloseAt);
