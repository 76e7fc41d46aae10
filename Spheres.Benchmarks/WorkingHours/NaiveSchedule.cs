using NodaTime;
using Spheres.Core.WorkingHours;

namespace Spheres.Benchmarks.WorkingHours;

/// <summary>
/// The baseline: what one writes first. Convert to a ZonedDateTime, find the day's exception by a
/// scan, then test the day's rows and the previous day's overnight rows with LocalTime comparisons.
/// No LINQ, so the comparison is about the approach, not about lambdas.
/// </summary>
internal sealed class NaiveSchedule(
    IReadOnlyList<WorkingHoursRow> rows, IReadOnlyList<ScheduleException> exceptions, DateTimeZone zone)
{
    public bool IsOpenAt(Instant instant)
    {
        LocalDateTime local = instant.InZone(zone).LocalDateTime;
        LocalTime time = local.TimeOfDay;
        return OpenByShiftsOf(local.Date, time, spillOnly: false) ||
               OpenByShiftsOf(local.Date.PlusDays(-1), time, spillOnly: true);
    }

    private bool OpenByShiftsOf(LocalDate date, LocalTime time, bool spillOnly)
    {
        if (rows.Count == 0)
            return !spillOnly;
        if (ExceptionFor(date) is { } exception)
        {
            foreach (TimeRange range in exception.Ranges)
            {
                if (Covers(range.Start, range.End, time, spillOnly))
                    return true;
            }
            return false;
        }

        int weekday = (int)date.DayOfWeek - 1;
        foreach (WorkingHoursRow row in rows)
        {
            if (row.IsEnabled && row.Weekday == weekday && Covers(row.StartTime, row.EndTime, time, spillOnly))
                return true;
        }
        return false;
    }

    private static bool Covers(LocalTime start, LocalTime end, LocalTime time, bool spillOnly)
    {
        bool pastMidnight = end < start;
        return spillOnly
            ? pastMidnight && time < end
            : time >= start && (pastMidnight || time < end);
    }

    private ScheduleException? ExceptionFor(LocalDate date)
    {
        ScheduleException? recurring = null;
        foreach (ScheduleException exception in exceptions)
        {
            if (!exception.RecurringAnnually && exception.Date == date)
                return exception;
            if (exception.RecurringAnnually && exception.Date.Month == date.Month && exception.Date.Day == date.Day)
                recurring = exception;
        }
        return recurring;
    }
}
