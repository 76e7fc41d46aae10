using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

public class OutOfHoursMessageTests
{
    private static readonly Offset Eet = Offset.FromHours(2);

    // Tuesday 2026-03-10, 20:00 in Kyiv.
    private static readonly OffsetDateTime TuesdayEvening = new(new LocalDateTime(2026, 3, 10, 20, 0), Eet);

    private static OffsetDateTime Kyiv(int month, int day, int hour, int minute = 0) =>
        new(new LocalDateTime(2026, month, day, hour, minute), Eet);

    [Fact]
    public void Ukrainian_default_for_UA_tenants()
    {
        string text = OutOfHoursMessage.Render(null, Kyiv(3, 11, 9), "UA", TuesdayEvening);

        Assert.Equal("Дякуємо за повідомлення! Ми зараз не працюємо. Відкриємося завтра о 09:00.", text);
    }

    [Fact]
    public void English_default_for_everyone_else()
    {
        string text = OutOfHoursMessage.Render(null, Kyiv(3, 16, 9), "PL", TuesdayEvening);

        Assert.Equal("Thanks for your message! We're closed right now. We open on Monday at 09:00.", text);
    }

    [Theory]
    [InlineData(10, 21, "UA", "сьогодні о 21:00")]
    [InlineData(11, 11, "UA", "завтра об 11:00")]
    [InlineData(12, 9, "UA", "в четвер о 09:00")]
    [InlineData(17, 9, "UA", "у вівторок, 17 березня, о 09:00")] // a week ahead: dated
    [InlineData(13, 9, "UA", "в п’ятницю о 09:00")]
    [InlineData(15, 9, "UA", "в неділю о 09:00")]
    [InlineData(23, 10, "UA", "в понеділок, 23 березня, о 10:00")]
    [InlineData(10, 21, "US", "today at 21:00")]
    [InlineData(11, 9, null, "tomorrow at 09:00")]
    [InlineData(14, 9, "GB", "on Saturday at 09:00")]
    [InlineData(23, 10, "GB", "on Monday, 23 March at 10:00")]
    public void Describes_the_opening_relative_to_now(int day, int hour, string? country, string expected)
    {
        Assert.Equal(expected, OutOfHoursMessage.DescribeOpening(Kyiv(3, day, hour), country, TuesdayEvening));
    }

    [Fact]
    public void Without_now_the_date_is_spelled_out()
    {
        Assert.Equal("в понеділок, 16 березня, о 09:00", OutOfHoursMessage.DescribeOpening(Kyiv(3, 16, 9), "ua"));
        Assert.Equal("on Monday, 16 March at 09:00", OutOfHoursMessage.DescribeOpening(Kyiv(3, 16, 9), "en"));
    }

    [Fact]
    public void Never_open_gives_a_text_without_a_time()
    {
        Assert.Equal("Дякуємо за повідомлення! Ми зараз не працюємо й відповімо, щойно зможемо.",
            OutOfHoursMessage.Render(null, null, "UA"));
        Assert.Equal("Thanks for your message! We're closed right now and will reply as soon as we can.",
            OutOfHoursMessage.Render("  ", null, "DE"));
    }

    [Fact]
    public void Custom_template_gets_the_placeholder_replaced()
    {
        string text = OutOfHoursMessage.Render("Салон зачинено. Чекаємо вас {next_open}! Запис: +380 44 000 00 00", Kyiv(3, 11, 9), "UA", TuesdayEvening);

        Assert.Equal("Салон зачинено. Чекаємо вас завтра о 09:00! Запис: +380 44 000 00 00", text);
    }

    [Fact]
    public void Custom_template_without_placeholder_is_sent_as_is()
    {
        Assert.Equal("We are closed {today}.", OutOfHoursMessage.Render("We are closed {today}.", Kyiv(3, 11, 9), "US"));
    }

    [Fact]
    public void Custom_template_keeps_its_words_when_there_is_no_next_opening()
    {
        Assert.Equal("Back later. Call us.", OutOfHoursMessage.Render("Back {next_open}. Call us.", null, "US"));
        Assert.Equal("Повернемося пізніше.", OutOfHoursMessage.Render("Повернемося {next_open}.", null, "UA"));
    }

    [Fact]
    public void Renders_a_schedules_next_opening_in_the_owners_zone()
    {
        var schedule = Schedule(ScheduleKit.Kyiv, Weekdays("09:00", "18:00"));
        var status = schedule.Evaluate(AtUtc(2026, 3, 27, 17, 0)); // Friday 19:00 EET; Monday is after the DST change

        string text = OutOfHoursMessage.Render(null, status.NextOpenAt, "UA", status.NowLocal);

        Assert.Equal("Дякуємо за повідомлення! Ми зараз не працюємо. Відкриємося в понеділок о 09:00.", text);
        Assert.Equal(Offset.FromHours(3), status.NextOpenAt!.Value.Offset);
    }
}
