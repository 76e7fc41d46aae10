using NodaTime;
using Spheres.Core.WorkingHours;

namespace Spheres.Tests.WorkingHours;

/// <summary>
/// The rules written the plain way, as an oracle for the property tests: convert the instant to
/// local time, then look at the shifts of that date and the overnight shifts of the day before.
/// Shares nothing with <see cref="WorkingSchedule"/>'s bitmaps.
/// </summary>
internal sealed class ReferenceSchedule(
    IReadOnlyList<WorkingHoursRow> rows, IReadOnlyList<ScheduleException> exceptions, DateTimeZone zone)
{
    public bool IsOpenAt(Instant instant)
    {
        LocalDateTime local = instant.InZone(zone).LocalDateTime;
        LocalTime time = local.TimeOfDay;

        var (allDay, today) = ShiftsStartingOn(local.Date);
        if (allDay)
            return true;
        foreach (var (start, end) in today)
        {
            bool pastMidnight = end < start;
            if (time >= start && (pastMidnight || time < end))
                return true;
        }

        foreach (var (start, end) in ShiftsStartingOn(local.Date.PlusDays(-1)).Shifts)
        {
            bool pastMidnight = end < start;
            if (pastMidnight && time < end)
                return true;
        }
        return false;
    }

    private (bool AllDay, IEnumerable<(LocalTime Start, LocalTime End)> Shifts) ShiftsStartingOn(LocalDate date)
    {
        ScheduleException? exception =
            exceptions.FirstOrDefault(e => !e.RecurringAnnually && e.Date == date) ??
            exceptions.FirstOrDefault(e => e.RecurringAnnually && e.Date.Month == date.Month && e.Date.Day == date.Day);
        if (exception is not null)
            return (false, exception.IsClosed ? [] : exception.Ranges.Select(r => (r.Start, r.End)));
        if (rows.Count == 0)
            return (true, []);
        int weekday = (int)date.DayOfWeek - 1;
        return (false, rows.Where(r => r.IsEnabled && r.Weekday == weekday).Select(r => (r.StartTime, r.EndTime)));
    }
}
