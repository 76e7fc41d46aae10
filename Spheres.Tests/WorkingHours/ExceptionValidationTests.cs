using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

public class ExceptionValidationTests
{
    private static readonly LocalDate Christmas = new(2026, 12, 25);

    [Fact]
    public void Closed_day_and_short_day_are_valid()
    {
        Assert.Empty(WorkingHoursValidator.ValidateExceptions([
            ScheduleException.ClosedOn(Christmas, "Christmas", recurringAnnually: true),
            ScheduleException.OpenOn(new LocalDate(2026, 12, 31), [Range("10:00", "14:00"), Range("20:00", "02:00")]),
        ]));
    }

    [Fact]
    public void Closed_day_with_ranges_is_an_error()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([new ScheduleException(Christmas, true, [Range("10:00", "12:00")])]);

        Assert.Contains("closed day has no ranges", Assert.Single(errors["exceptions[0].ranges"]));
    }

    [Fact]
    public void Open_day_without_ranges_is_an_error()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([new ScheduleException(Christmas, false, [])]);

        Assert.Contains("at least one range", Assert.Single(errors["exceptions[0].ranges"]));
    }

    [Fact]
    public void Range_errors_name_the_exception_and_the_range()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([
            ScheduleException.ClosedOn(new LocalDate(2026, 1, 1)),
            ScheduleException.OpenOn(Christmas, [Range("09:00", "13:00"), Range("12:00", "15:00"), Range("16:00", "16:00")]),
        ]);

        Assert.Equal("Overlaps ranges[0] (09:00-13:00) at 12:00-13:00.", Assert.Single(errors["exceptions[1].ranges[1]"]));
        Assert.Contains("must differ", Assert.Single(errors["exceptions[1].ranges[2].end_time"]));
    }

    [Fact]
    public void Overnight_ranges_overlap_after_midnight()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([
            ScheduleException.OpenOn(Christmas, [Range("20:00", "02:00"), Range("23:00", "01:00")]),
        ]);

        Assert.Equal("Overlaps ranges[0] (20:00-02:00) at 23:00-01:00.", Assert.Single(errors["exceptions[0].ranges[1]"]));
    }

    [Fact]
    public void One_exception_per_date()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([
            ScheduleException.ClosedOn(Christmas),
            ScheduleException.OpenOn(Christmas, [Range("10:00", "12:00")]),
        ]);

        Assert.Equal("exceptions[0] is already on 2026-12-25; keep one of them.", Assert.Single(errors["exceptions[1].date"]));
    }

    [Fact]
    public void One_recurring_exception_per_month_and_day_but_a_dated_one_may_share_it()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([
            ScheduleException.ClosedOn(Christmas, recurringAnnually: true),
            ScheduleException.ClosedOn(Christmas.PlusYears(1), recurringAnnually: true),
            ScheduleException.OpenOn(Christmas, [Range("10:00", "12:00")]),
        ]);

        Assert.Equal("exceptions[1].date", Assert.Single(errors.Keys));
        Assert.Equal("exceptions[0] already recurs on December 25 every year; keep one of them.", errors["exceptions[1].date"][0]);
    }

    [Fact]
    public void Dates_must_be_ISO()
    {
        var julian = new LocalDate(2026, 12, 25, CalendarSystem.Julian);

        var errors = WorkingHoursValidator.ValidateExceptions([ScheduleException.ClosedOn(julian)]);

        Assert.Equal("exceptions[0].date", Assert.Single(errors.Keys));
    }

    [Fact]
    public void Long_names_are_rejected()
    {
        var errors = WorkingHoursValidator.ValidateExceptions([ScheduleException.ClosedOn(Christmas, new string('x', 101))]);

        Assert.Equal("exceptions[0].name", Assert.Single(errors.Keys));
    }

    [Theory]
    [InlineData("2026-12-25", true)]
    [InlineData("2028-02-29", true)]
    [InlineData("2027-02-29", false)]
    [InlineData("2026-12-5", false)]
    [InlineData("26-12-25", false)]
    [InlineData("2026-12-25T00:00", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Parses_ISO_dates_only(string? text, bool valid)
    {
        Assert.Equal(valid, WorkingHoursValidator.TryParseDate(text, out _, out var error));
        Assert.Equal(valid, error is null);
    }
}
