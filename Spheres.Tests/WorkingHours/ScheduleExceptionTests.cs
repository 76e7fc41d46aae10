using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

/// <summary>Holidays and short days in Europe/Kyiv (EET +02 in winter, EEST +03 in summer).</summary>
public class ScheduleExceptionTests
{
    private static readonly WorkingHoursRow[] OfficeWeek = Weekdays("09:00", "18:00");

    [Fact]
    public void Closed_day_beats_the_weekly_rows()
    {
        // Friday 2026-05-01 is a holiday: from Thursday evening the next opening is Monday.
        var schedule = Schedule(Kyiv, OfficeWeek, ScheduleException.ClosedOn(new LocalDate(2026, 5, 1), "Labour Day"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 5, 1, 7, 0)));                             // Friday 10:00 EEST
        Assert.Equal(AtUtc(2026, 5, 4, 6, 0), schedule.NextOpening(AtUtc(2026, 4, 30, 15, 0))); // Monday 09:00 EEST
    }

    [Fact]
    public void Short_day_opens_only_its_own_ranges()
    {
        var schedule = Schedule(Kyiv, OfficeWeek,
            ScheduleException.OpenOn(new LocalDate(2026, 12, 31), [Range("10:00", "15:00")], "New Year's Eve"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 12, 31, 7, 30))); // 09:30 EET
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 12, 31, 8, 0)));   // 10:00
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 12, 31, 14, 0))); // 16:00
        Assert.Equal(AtUtc(2026, 12, 31, 13, 0), schedule.NextClosing(AtUtc(2026, 12, 31, 8, 0)));
    }

    [Fact]
    public void An_exception_can_open_a_day_the_week_keeps_closed()
    {
        var schedule = Schedule(Kyiv, OfficeWeek,
            ScheduleException.OpenOn(new LocalDate(2026, 3, 7), [Range("10:00", "14:00")])); // a Saturday

        Assert.Equal(AtUtc(2026, 3, 7, 8, 0), schedule.NextOpening(AtUtc(2026, 3, 6, 17, 0)));
    }

    [Fact]
    public void Recurring_exception_matches_the_same_day_every_year()
    {
        var christmas = ScheduleException.ClosedOn(new LocalDate(2026, 12, 25), "Christmas", recurringAnnually: true);
        var schedule = Schedule(Kyiv, OfficeWeek, christmas);

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 12, 25, 10, 0))); // Friday
        Assert.False(schedule.IsOpenAt(AtUtc(2025, 12, 25, 10, 0))); // Thursday, before the stored year too
        Assert.False(schedule.IsOpenAt(AtUtc(2028, 12, 25, 10, 0))); // Monday
        Assert.True(schedule.IsOpenAt(AtUtc(2028, 12, 26, 10, 0)));
    }

    [Fact]
    public void Recurring_29_February_matches_only_leap_years()
    {
        var leapDay = ScheduleException.ClosedOn(new LocalDate(2028, 2, 29), recurringAnnually: true);
        var schedule = Schedule(Utc, [.. OfficeWeek, Row(Saturday, "09:00", "18:00"), Row(Sunday, "09:00", "18:00")], leapDay);

        Assert.False(schedule.IsOpenAt(AtUtc(2028, 2, 29, 10, 0)));
        Assert.False(schedule.IsOpenAt(AtUtc(2032, 2, 29, 10, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2027, 2, 28, 10, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2027, 3, 1, 10, 0)));
    }

    [Fact]
    public void AppliesTo_tells_which_dates_an_exception_governs()
    {
        var leapDay = ScheduleException.ClosedOn(new LocalDate(2028, 2, 29), recurringAnnually: true);
        var once = ScheduleException.ClosedOn(new LocalDate(2026, 5, 1));

        Assert.True(leapDay.AppliesTo(new LocalDate(2032, 2, 29)));
        Assert.False(leapDay.AppliesTo(new LocalDate(2027, 2, 28)));
        Assert.True(once.AppliesTo(new LocalDate(2026, 5, 1)));
        Assert.False(once.AppliesTo(new LocalDate(2027, 5, 1)));
    }

    [Fact]
    public void Dated_exception_beats_a_recurring_one_on_the_same_day()
    {
        var schedule = Schedule(Kyiv, OfficeWeek,
            ScheduleException.ClosedOn(new LocalDate(2026, 12, 24), recurringAnnually: true),
            ScheduleException.OpenOn(new LocalDate(2026, 12, 24), [Range("10:00", "13:00")]));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 12, 24, 9, 0)));   // 11:00 EET, dated short day
        Assert.False(schedule.IsOpenAt(AtUtc(2027, 12, 24, 9, 0)));  // recurring closed day
    }

    [Fact]
    public void Closing_whole_weeks_moves_the_next_opening_past_them()
    {
        var vacation = Enumerable.Range(0, 21)
            .Select(offset => ScheduleException.ClosedOn(new LocalDate(2026, 8, 3).PlusDays(offset), "Vacation"))
            .ToArray();
        var schedule = Schedule(Kyiv, OfficeWeek, vacation);

        Assert.Equal(AtUtc(2026, 8, 24, 6, 0), schedule.NextOpening(AtUtc(2026, 7, 31, 15, 0)));
    }

    // Rule: an exception replaces the shifts that START on its date. The previous day's overnight
    // row keeps running into the exception date's early hours; the exception's own overnight range
    // runs into the next day.

    [Fact]
    public void Closed_day_keeps_the_previous_evenings_overnight_row_running_to_its_end()
    {
        var schedule = Schedule(Utc, [Row(Friday, "20:00", "02:00")], ScheduleException.ClosedOn(new LocalDate(2026, 3, 7)));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 7, 1, 0)));  // Saturday 01:00, Friday's shift
        Assert.Equal(AtUtc(2026, 3, 7, 2, 0), schedule.NextClosing(AtUtc(2026, 3, 6, 20, 0)));
    }

    [Fact]
    public void Closed_day_removes_its_own_overnight_row_including_the_next_morning()
    {
        var schedule = Schedule(Utc, [Row(Friday, "20:00", "02:00")], ScheduleException.ClosedOn(new LocalDate(2026, 3, 6)));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 6, 21, 0)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 7, 1, 0)));
        Assert.Equal(AtUtc(2026, 3, 13, 20, 0), schedule.NextOpening(AtUtc(2026, 3, 6, 12, 0)));
    }

    [Fact]
    public void Exception_range_past_midnight_runs_into_a_closed_next_day()
    {
        var schedule = Schedule(Kyiv, OfficeWeek,
            ScheduleException.OpenOn(new LocalDate(2026, 12, 31), [Range("20:00", "03:00")]),
            ScheduleException.ClosedOn(new LocalDate(2027, 1, 1)));

        Assert.True(schedule.IsOpenAt(AtUtc(2027, 1, 1, 0, 0)));   // 02:00 EET on the closed day
        Assert.Equal(AtUtc(2027, 1, 1, 1, 0), schedule.NextClosing(AtUtc(2026, 12, 31, 18, 0)));
        Assert.Equal(AtUtc(2027, 1, 4, 7, 0), schedule.NextOpening(AtUtc(2027, 1, 1, 0, 0))); // Monday 09:00
    }
}
