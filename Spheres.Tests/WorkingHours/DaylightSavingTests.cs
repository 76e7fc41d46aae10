using NodaTime;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

/// <summary>Rows are wall-clock times: what happens on the 2026 DST changes of the three reference zones.</summary>
public class DaylightSavingTests
{
    [Fact]
    public void The_reference_zones_change_clocks_when_these_tests_assume()
    {
        Assert.Equal(AtUtc(2026, 3, 29, 1, 0), Kyiv.GetZoneInterval(AtUtc(2026, 3, 29, 0, 0)).End);
        Assert.Equal(AtUtc(2026, 10, 25, 1, 0), Kyiv.GetZoneInterval(AtUtc(2026, 10, 24, 0, 0)).End);
        Assert.Equal(AtUtc(2026, 3, 29, 1, 0), Warsaw.GetZoneInterval(AtUtc(2026, 3, 29, 0, 0)).End);
        Assert.Equal(AtUtc(2026, 10, 25, 1, 0), Warsaw.GetZoneInterval(AtUtc(2026, 10, 24, 0, 0)).End);
        Assert.Equal(AtUtc(2026, 3, 8, 7, 0), NewYork.GetZoneInterval(AtUtc(2026, 3, 8, 0, 0)).End);
        Assert.Equal(AtUtc(2026, 11, 1, 6, 0), NewYork.GetZoneInterval(AtUtc(2026, 11, 1, 0, 0)).End);
    }

    [Fact]
    public void Kyiv_row_starting_in_the_spring_gap_opens_when_the_clock_jumps_to_four()
    {
        // 2026-03-29 03:00 EET jumps to 04:00 EEST at 01:00 UTC; 03:30 never happens.
        var schedule = Schedule(Kyiv, Row(Sunday, "03:30", "10:00"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 29, 0, 59)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 29, 1, 0)));
        Assert.Equal(AtUtc(2026, 3, 29, 1, 0), schedule.NextOpening(AtUtc(2026, 3, 28, 12, 0)));
        Assert.Equal(AtUtc(2026, 3, 29, 7, 0), schedule.NextClosing(AtUtc(2026, 3, 29, 1, 0))); // 10:00 EEST
    }

    [Fact]
    public void Warsaw_row_starting_in_the_spring_gap_opens_at_three()
    {
        // 2026-03-29 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
        var schedule = Schedule(Warsaw, Row(Sunday, "02:30", "05:00"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 29, 0, 59)));
        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 29, 1, 0)));
        Assert.Equal(AtUtc(2026, 3, 29, 1, 0), schedule.NextOpening(AtUtc(2026, 3, 29, 0, 0)));
        Assert.Equal(AtUtc(2026, 3, 29, 3, 0), schedule.NextClosing(AtUtc(2026, 3, 29, 0, 0)));
    }

    [Fact]
    public void New_York_row_starting_at_two_opens_at_three_daylight_time()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        var schedule = Schedule(NewYork, Row(Sunday, "02:00", "03:30"));

        Assert.False(schedule.IsOpenAt(AtUtc(2026, 3, 8, 6, 59)));
        Assert.Equal(AtUtc(2026, 3, 8, 7, 0), schedule.NextOpening(AtUtc(2026, 3, 8, 0, 0)));
        Assert.Equal(AtUtc(2026, 3, 8, 7, 30), schedule.NextClosing(AtUtc(2026, 3, 8, 7, 0)));
    }

    [Fact]
    public void A_row_ending_inside_the_gap_closes_when_the_clock_jumps()
    {
        var schedule = Schedule(Kyiv, Row(Sunday, "00:00", "03:30"));

        Assert.True(schedule.IsOpenAt(AtUtc(2026, 3, 29, 0, 59)));   // 02:59 EET
        Assert.Equal(AtUtc(2026, 3, 29, 1, 0), schedule.NextClosing(AtUtc(2026, 3, 28, 22, 0)));
    }

    [Fact]
    public void A_row_wholly_inside_the_gap_does_not_open_that_day()
    {
        var schedule = Schedule(NewYork, Row(Sunday, "02:15", "02:45"));

        Assert.Equal(AtUtc(2026, 3, 15, 6, 15), schedule.NextOpening(AtUtc(2026, 3, 8, 0, 0))); // next Sunday, EDT
        Assert.Equal(AtUtc(2026, 3, 1, 7, 15), schedule.NextOpening(AtUtc(2026, 3, 1, 0, 0)));  // the Sunday before, EST
    }

    [Theory]
    [InlineData("Europe/Kyiv", "03:00", "03:30", 0)]     // 03:00-04:00 occurs at +03 then at +02
    [InlineData("Europe/Warsaw", "02:00", "02:30", 0)]   // 02:00-03:00 occurs at +02 then at +01
    [InlineData("America/New_York", "01:15", "01:45", 5)] // 01:00-02:00 occurs at -04 then at -05
    public void A_repeated_autumn_hour_is_open_in_both_occurrences(string zoneId, string start, string end, int firstUtcHour)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var sunday = zoneId == "America/New_York" ? new LocalDate(2026, 11, 1) : new LocalDate(2026, 10, 25);
        var schedule = Schedule(zone, Row(Sunday, start, end));
        int startMinute = Time(start).Minute;
        Instant first = Instant.FromUtc(sunday.Year, sunday.Month, sunday.Day, firstUtcHour, startMinute);
        Instant second = first + Duration.FromHours(1);

        Assert.True(schedule.IsOpenAt(first));
        Assert.False(schedule.IsOpenAt(first + Duration.FromMinutes(30)));
        Assert.True(schedule.IsOpenAt(second));
        Assert.Equal(first + Duration.FromMinutes(30), schedule.NextClosing(first));
        Assert.Equal(second, schedule.NextOpening(first));
        Assert.Equal(second + Duration.FromMinutes(30), schedule.NextClosing(second));
    }

    [Fact]
    public void Kyiv_repeated_hour_covered_by_a_row_stays_open_for_two_real_hours()
    {
        var schedule = Schedule(Kyiv, Row(Sunday, "03:00", "04:00"));

        Assert.Equal(AtUtc(2026, 10, 25, 0, 0), schedule.NextOpening(AtUtc(2026, 10, 24, 12, 0)));
        Assert.Equal(AtUtc(2026, 10, 25, 2, 0), schedule.NextClosing(AtUtc(2026, 10, 25, 0, 0)));
    }

    [Fact]
    public void Overnight_row_across_spring_forward_keeps_its_local_end()
    {
        // Warsaw Saturday 22:00 CET (21:00 UTC) to Sunday 06:00 CEST (04:00 UTC): seven real hours.
        var schedule = Schedule(Warsaw, Row(Saturday, "22:00", "06:00"));

        Assert.Equal(AtUtc(2026, 3, 28, 21, 0), schedule.NextOpening(AtUtc(2026, 3, 28, 12, 0)));
        Assert.Equal(AtUtc(2026, 3, 29, 4, 0), schedule.NextClosing(AtUtc(2026, 3, 28, 21, 0)));
    }

    [Fact]
    public void Overnight_row_across_fall_back_keeps_its_local_end()
    {
        // New York Saturday 22:00 EDT (02:00 UTC) to Sunday 06:00 EST (11:00 UTC): nine real hours.
        var ny = Schedule(NewYork, Row(Saturday, "22:00", "06:00"));
        Assert.Equal(AtUtc(2026, 11, 1, 2, 0), ny.NextOpening(AtUtc(2026, 10, 31, 12, 0)));
        Assert.Equal(AtUtc(2026, 11, 1, 11, 0), ny.NextClosing(AtUtc(2026, 11, 1, 2, 0)));

        // Kyiv Saturday 23:00 EEST (20:00 UTC) to Sunday 05:00 EET (03:00 UTC).
        var kyiv = Schedule(Kyiv, Row(Saturday, "23:00", "05:00"));
        Assert.True(kyiv.IsOpenAt(AtUtc(2026, 10, 25, 2, 59)));
        Assert.Equal(AtUtc(2026, 10, 25, 3, 0), kyiv.NextClosing(AtUtc(2026, 10, 24, 20, 0)));
    }

    [Fact]
    public void Status_shows_each_time_with_the_offset_in_force_then()
    {
        var schedule = Schedule(Kyiv, Row(Sunday, "09:00", "18:00"));

        var status = schedule.Evaluate(AtUtc(2026, 3, 29, 0, 30)); // 02:30 EET, before the jump

        Assert.False(status.IsOpen);
        Assert.Equal("Europe/Kyiv", status.TimeZone);
        Assert.Equal(Offset.FromHours(2), status.NowLocal.Offset);
        Assert.Equal(new LocalDateTime(2026, 3, 29, 9, 0), status.NextOpenAt!.Value.LocalDateTime);
        Assert.Equal(Offset.FromHours(3), status.NextOpenAt!.Value.Offset);
        Assert.Equal(new LocalDateTime(2026, 3, 29, 18, 0), status.NextCloseAt!.Value.LocalDateTime);
    }
}
