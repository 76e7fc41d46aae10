using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

/// <summary>Weekly rows, overnight rows, empty and disabled weeks, and the NextOpening/NextClosing contract.</summary>
public class WorkingScheduleTests
{
    // 2026-03-02 is a Monday; Etc/UTC keeps local time equal to UTC here.
    [Fact]
    public void Open_inside_a_row_and_closed_at_its_end()
    {
        var schedule = Schedule(Utc, Weekdays("09:00", "18:00"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 2, 8, 59, 59)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 2, 9, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 2, 17, 59, 59)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 2, 18, 0)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 7, 12, 0))); // Saturday
    }

    [Fact]
    public void A_whole_day_is_open_from_its_midnight_to_the_next_and_no_longer()
    {
        var schedule = Schedule(Utc, new WorkingHoursRow(Monday, Time("00:00"), Time("00:00")) { EndsAtEndOfDay = true });

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 1, 23, 59, 59))); // Sunday night
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 2, 0, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 2, 23, 59, 59)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 3, 0, 0))); // Tuesday
        Assert.Equal("2026-03-03 00:00 +00", Local(schedule.NextClosing(AtUtc(2026, 3, 2, 12, 0)), Utc));
    }

    [Fact]
    public void Overnight_row_runs_into_the_next_morning()
    {
        var schedule = Schedule(Utc, Row(Friday, "20:00", "02:00"));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 6, 23, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 7, 1, 59)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 7, 2, 0)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 6, 1, 0))); // Friday morning: Thursday has no row
    }

    [Fact]
    public void Sunday_overnight_row_spills_into_Monday()
    {
        var schedule = Schedule(Utc, Row(Sunday, "22:00", "03:00"));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 9, 2, 30)));  // Monday 02:30
        Assert.Equal(AtUtc(2026, 3, 9, 3, 0), schedule.NextClosing(AtUtc(2026, 3, 8, 22, 0)));
    }

    [Fact]
    public void Row_ending_at_00_00_ends_exactly_at_midnight()
    {
        var schedule = Schedule(Utc, Row(Monday, "22:00", "00:00"));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 2, 23, 59, 59)));
        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 3, 0, 0)));
        Assert.Equal(AtUtc(2026, 3, 3, 0, 0), schedule.NextClosing(AtUtc(2026, 3, 2, 22, 0)));
    }

    [Fact]
    public void Adjacent_rows_across_midnight_make_one_open_period()
    {
        var schedule = Schedule(Utc, Row(Monday, "22:00", "00:00"), Row(Tuesday, "00:00", "02:00"));

        Assert.Equal(AtUtc(2026, 3, 3, 2, 0), schedule.NextClosing(AtUtc(2026, 3, 2, 22, 0)));
        Assert.Equal(AtUtc(2026, 3, 9, 22, 0), schedule.NextOpening(AtUtc(2026, 3, 2, 22, 0)));
    }

    [Fact]
    public void NextOpening_is_strictly_after_the_given_instant()
    {
        var schedule = Schedule(Utc, Weekdays("09:00", "18:00"));
        Instant mondayNine = AtUtc(2026, 3, 2, 9, 0);

        Assert.Equal(mondayNine, schedule.NextOpening(AtUtc(2026, 3, 2, 8, 59, 59)));
        // Open at nine: the next opening is the one after this open period, Tuesday's.
        Assert.Equal(AtUtc(2026, 3, 3, 9, 0), schedule.NextOpening(mondayNine));
        Assert.Equal(AtUtc(2026, 3, 3, 9, 0), schedule.NextOpening(AtUtc(2026, 3, 2, 12, 0)));
    }

    [Fact]
    public void NextClosing_when_closed_is_the_end_of_the_next_open_period()
    {
        var schedule = Schedule(Utc, Weekdays("09:00", "18:00"));

        Assert.Equal(AtUtc(2026, 3, 2, 18, 0), schedule.NextClosing(AtUtc(2026, 3, 2, 12, 0)));
        Assert.Equal(AtUtc(2026, 3, 9, 18, 0), schedule.NextClosing(AtUtc(2026, 3, 6, 18, 0))); // Friday 18:00 -> Monday
        Assert.Equal(AtUtc(2026, 3, 3, 18, 0), schedule.NextClosing(AtUtc(2026, 3, 2, 18, 0)));
    }

    [Fact]
    public void A_week_without_rows_is_always_open()
    {
        var schedule = Schedule(Kyiv);

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 29, 1, 0)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 12, 31, 23, 59)));
        Assert.Null(schedule.NextOpening(AtUtc(2026, 6, 1, 0, 0)));
        Assert.Null(schedule.NextClosing(AtUtc(2026, 6, 1, 0, 0)));
        var status = schedule.Evaluate(AtUtc(2026, 6, 1, 0, 0));
        Assert.True(status.IsOpen);
        Assert.Null(status.NextOpenAt);
        Assert.Null(status.NextCloseAt);
    }

    [Fact]
    public void A_week_without_rows_still_closes_on_an_exception_date()
    {
        var schedule = Schedule(Kyiv, [], ScheduleException.ClosedOn(new LocalDate(2026, 12, 25)));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 12, 25, 10, 0)));
        Assert.Equal(AtUtc(2026, 12, 24, 22, 0), schedule.NextClosing(AtUtc(2026, 6, 1, 0, 0))); // 00:00 EET
        Assert.Equal(AtUtc(2026, 12, 25, 22, 0), schedule.NextOpening(AtUtc(2026, 6, 1, 0, 0)));
    }

    [Fact]
    public void A_week_with_only_disabled_rows_is_never_open()
    {
        var schedule = Schedule(Kyiv, Row(Monday, "09:00", "18:00", enabled: false), Row(Tuesday, "09:00", "18:00", enabled: false));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 2, 10, 0)));
        Assert.Null(schedule.NextOpening(AtUtc(2026, 3, 2, 10, 0)));
        Assert.Null(schedule.NextClosing(AtUtc(2026, 3, 2, 10, 0)));
        var status = schedule.Evaluate(AtUtc(2026, 3, 2, 10, 0));
        Assert.False(status.IsOpen);
        Assert.Null(status.NextOpenAt);
    }

    [Fact]
    public void A_disabled_row_is_ignored_beside_enabled_ones()
    {
        var schedule = Schedule(Utc, Row(Monday, "09:00", "18:00"), Row(Tuesday, "09:00", "18:00", enabled: false));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 3, 10, 0)));
        Assert.Equal(AtUtc(2026, 3, 9, 9, 0), schedule.NextOpening(AtUtc(2026, 3, 2, 10, 0)));
    }

    [Fact]
    public void Next_opening_beyond_the_search_horizon_is_null()
    {
        var disabled = Row(Monday, "09:00", "18:00", enabled: false);
        var soon = ScheduleException.OpenOn(new LocalDate(2027, 1, 20), [Range("10:00", "12:00")]);
        var tooFar = ScheduleException.OpenOn(new LocalDate(2027, 3, 1), [Range("10:00", "12:00")]);
        Instant now = AtUtc(2026, 1, 10, 0, 0);

        Assert.Equal(AtUtc(2027, 1, 20, 8, 0), Schedule(Kyiv, [disabled], soon).NextOpening(now));   // 375 days ahead
        Assert.Null(Schedule(Kyiv, [disabled], tooFar).NextOpening(now));                          // 415 days ahead
    }

    [Fact]
    public void Evaluate_reads_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 7, 30, 0, TimeSpan.Zero)); // Monday 09:30 EET
        var schedule = Schedule(Kyiv, Weekdays("09:00", "18:00"));

        var status = schedule.Evaluate(clock);

        Assert.True(status.IsOpen);
        Assert.Equal(new LocalDateTime(2026, 3, 2, 9, 30), status.NowLocal.LocalDateTime);
        Assert.Equal(new LocalDateTime(2026, 3, 2, 18, 0), status.NextCloseAt!.Value.LocalDateTime);
        Assert.Equal(new LocalDateTime(2026, 3, 3, 9, 0), status.NextOpenAt!.Value.LocalDateTime);

        clock.Advance(TimeSpan.FromHours(9)); // 18:30
        Assert.False(schedule.Evaluate(clock).IsOpen);
    }

    [Fact]
    public void Compile_rejects_what_the_validator_rejects()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Schedule(Utc, Row(Monday, "09:00", "13:00"), Row(Monday, "12:00", "18:00")));

        Assert.Contains("rows[1]", error.Message);
    }

    [Fact]
    public void Compile_by_zone_id_uses_the_IANA_database()
    {
        var schedule = WorkingSchedule.Compile([Row(Monday, "09:00", "18:00")], [], "Europe/Warsaw");

        Assert.Equal("Europe/Warsaw", schedule.Zone.Id);
        Assert.Throws<NodaTime.TimeZones.DateTimeZoneNotFoundException>(() => WorkingSchedule.Compile([], [], "Mars/Olympus"));
    }

    [Fact]
    public void Month_and_day_arithmetic_matches_the_calendar()
    {
        var epoch = new LocalDate(1970, 1, 1);
        for (var date = new LocalDate(1899, 12, 1); date < new LocalDate(2101, 3, 1); date = date.PlusDays(1))
        {
            var (month, day) = WorkingSchedule.MonthAndDay(Period.DaysBetween(epoch, date));
            Assert.Equal((date.Month, date.Day), (month, day));
        }
    }
}
