using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

public class WorkingHoursValidatorTests
{
    [Fact]
    public void A_normal_week_is_valid()
    {
        WorkingHoursRow[] rows = [.. Weekdays("09:00", "13:00"), .. Weekdays("14:00", "18:00"), Row(Saturday, "22:00", "00:00"), Row(Sunday, "00:00", "04:00")];

        Assert.Empty(WorkingHoursValidator.ValidateWeek(rows));
    }

    [Fact]
    public void Weekday_out_of_range_names_the_row()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Monday, "09:00", "18:00"), Row(7, "09:00", "18:00")]);

        Assert.Equal("rows[1].weekday", Assert.Single(errors.Keys));
        Assert.Equal("Weekday must be 0 (Monday) to 6 (Sunday); got 7.", Assert.Single(errors["rows[1].weekday"]));
    }

    [Fact]
    public void Equal_start_and_end_is_an_end_time_error()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Monday, "10:00", "10:00", enabled: false)]);

        Assert.Contains("must differ from start time (10:00)", Assert.Single(errors["rows[0].end_time"]));
    }

    [Fact]
    public void Seconds_are_rejected()
    {
        var errors = WorkingHoursValidator.ValidateWeek([new WorkingHoursRow(Monday, new LocalTime(9, 0, 30), Time("18:00"))]);

        Assert.Equal("rows[0].start_time", Assert.Single(errors.Keys));
    }

    [Fact]
    public void Overlap_on_one_day_names_both_rows_and_the_shared_time()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Monday, "09:00", "13:00"), Row(Monday, "12:00", "18:00")]);

        Assert.Equal("Overlaps rows[0] (Monday 09:00-13:00) on Monday 12:00-13:00.", Assert.Single(errors["rows[1]"]));
    }

    [Fact]
    public void Overnight_row_overlaps_the_next_days_early_row()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Monday, "22:00", "02:00"), Row(Tuesday, "01:00", "05:00")]);

        Assert.Equal("Overlaps rows[0] (Monday 22:00-02:00) on Tuesday 01:00-02:00.", Assert.Single(errors["rows[1]"]));
    }

    [Fact]
    public void Sunday_overnight_row_overlaps_Monday_morning()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Monday, "01:00", "09:00"), Row(Sunday, "23:00", "02:00")]);

        Assert.Equal("Overlaps rows[0] (Monday 01:00-09:00) on Monday 01:00-02:00.", Assert.Single(errors["rows[1]"]));
    }

    [Fact]
    public void Overlap_across_midnight_names_both_days()
    {
        var errors = WorkingHoursValidator.ValidateWeek([Row(Friday, "22:00", "03:00"), Row(Friday, "23:00", "02:00")]);

        Assert.Equal("Overlaps rows[0] (Friday 22:00-03:00) on Friday 23:00 to Saturday 02:00.", Assert.Single(errors["rows[1]"]));
    }

    [Fact]
    public void Row_ending_at_midnight_does_not_overlap_the_next_days_midnight_row()
    {
        Assert.Empty(WorkingHoursValidator.ValidateWeek([Row(Sunday, "20:00", "00:00"), Row(Monday, "00:00", "02:00")]));
    }

    [Fact]
    public void Disabled_rows_may_overlap()
    {
        Assert.Empty(WorkingHoursValidator.ValidateWeek([Row(Monday, "09:00", "18:00"), Row(Monday, "10:00", "12:00", enabled: false)]));
    }

    [Fact]
    public void At_most_28_rows()
    {
        // Four one-hour rows a day: 28 fit, the 29th is too many.
        var rows = Enumerable.Range(0, 29)
            .Select(i => new WorkingHoursRow(i % 7, new LocalTime(i / 7 * 2, 0), new LocalTime(i / 7 * 2 + 1, 0)))
            .ToList();

        Assert.Empty(WorkingHoursValidator.ValidateWeek(rows[..28]));
        Assert.Equal("A week holds at most 28 rows; got 29.", Assert.Single(WorkingHoursValidator.ValidateWeek(rows)["rows"]));
    }

    [Theory]
    [InlineData("00:00", 0, 0)]
    [InlineData("09:05", 9, 5)]
    [InlineData("23:59", 23, 59)]
    public void Parses_valid_times(string text, int hour, int minute)
    {
        Assert.True(WorkingHoursValidator.TryParseTime(text, out var time, out var error));
        Assert.Equal(new LocalTime(hour, minute), time);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("9:00")]
    [InlineData("09:0")]
    [InlineData("0900")]
    [InlineData("09-00")]
    [InlineData("09:00:00")]
    [InlineData(" 09:00")]
    [InlineData("09:00 ")]
    [InlineData("+9:00")]
    [InlineData("-1:00")]
    [InlineData("ab:cd")]
    [InlineData("０９:００")] // full-width digits are digits to char.IsDigit, not here
    [InlineData("٠٩:٠٠")]   // Arabic-Indic digits
    public void Rejects_anything_but_two_digits_colon_two_digits(string? text)
    {
        Assert.False(WorkingHoursValidator.TryParseTime(text, out _, out var error));
        Assert.StartsWith("Expected a time as HH:MM", error);
    }

    [Fact]
    public void Rejects_hour_24_and_minute_60_with_a_reason()
    {
        Assert.False(WorkingHoursValidator.TryParseTime("24:00", out _, out var hourError));
        Assert.Contains("an end time may be 24:00", hourError); // a time of day is never 24:00; only an end time may be
        Assert.False(WorkingHoursValidator.TryParseTime("23:60", out _, out var minuteError));
        Assert.StartsWith("Minutes must be 00 to 59", minuteError);
    }
}
