using System.Globalization;
using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The auto-reply sent to a customer who writes outside working hours. The integration's
/// <c>out_of_hours_message</c> setting may contain <see cref="NextOpenPlaceholder"/>, replaced by the
/// next opening in the owner's time zone; without a setting a default text is used. Ukrainian for
/// tenants in Ukraine (country UA), English otherwise.
/// </summary>
public static class OutOfHoursMessage
{
    public const string NextOpenPlaceholder = "{next_open}";

    private const string UkrainianDefault =
        "Дякуємо за повідомлення! Ми зараз не працюємо. Відкриємося " + NextOpenPlaceholder + ".";
    private const string UkrainianDefaultWithoutOpening =
        "Дякуємо за повідомлення! Ми зараз не працюємо й відповімо, щойно зможемо.";
    private const string EnglishDefault =
        "Thanks for your message! We're closed right now. We open " + NextOpenPlaceholder + ".";
    private const string EnglishDefaultWithoutOpening =
        "Thanks for your message! We're closed right now and will reply as soon as we can.";

    private static readonly string[] UkrainianDaysAfterPreposition =
        ["в понеділок", "у вівторок", "в середу", "в четвер", "в п’ятницю", "в суботу", "в неділю"];
    private static readonly string[] UkrainianMonthsGenitive =
        ["січня", "лютого", "березня", "квітня", "травня", "червня",
         "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"];

    /// <summary>
    /// Renders the reply. <paramref name="nextOpen"/> is the next opening with the zone's offset
    /// (<see cref="WorkingHoursStatus.NextOpenAt"/>), null when the schedule never opens: then the
    /// default text has no time, and a custom template's placeholder becomes "later"/"пізніше" so the
    /// owner's other words are kept. With <paramref name="now"/> the opening reads "today at 09:00",
    /// "tomorrow at 09:00" or "on Monday at 09:00" within a week; otherwise, and further ahead, the
    /// date is added ("on Monday, 12 January at 09:00").
    /// </summary>
    public static string Render(string? template, OffsetDateTime? nextOpen, string? countryCode, OffsetDateTime? now = null)
    {
        bool ukrainian = IsUkraine(countryCode);
        if (string.IsNullOrWhiteSpace(template))
        {
            if (nextOpen is null)
                return ukrainian ? UkrainianDefaultWithoutOpening : EnglishDefaultWithoutOpening;
            template = ukrainian ? UkrainianDefault : EnglishDefault;
        }

        if (!template.Contains(NextOpenPlaceholder, StringComparison.Ordinal))
            return template;
        string opening = nextOpen is { } next
            ? DescribeOpening(next, ukrainian, now)
            : ukrainian ? "пізніше" : "later";
        return template.Replace(NextOpenPlaceholder, opening, StringComparison.Ordinal);
    }

    /// <summary>The opening as the placeholder shows it, e.g. "on Monday at 09:00" / "в понеділок о 09:00".</summary>
    public static string DescribeOpening(OffsetDateTime nextOpen, string? countryCode, OffsetDateTime? now = null) =>
        DescribeOpening(nextOpen, IsUkraine(countryCode), now);

    private static string DescribeOpening(OffsetDateTime nextOpen, bool ukrainian, OffsetDateTime? now)
    {
        int? daysAhead = now is { } current ? Period.DaysBetween(current.Date, nextOpen.Date) : null;
        return ukrainian ? Ukrainian(nextOpen, daysAhead) : English(nextOpen, daysAhead);
    }

    private static string English(OffsetDateTime nextOpen, int? daysAhead)
    {
        string time = TimeText.Format(nextOpen.TimeOfDay);
        string day = WorkingHoursRow.WeekdayName(WorkingHoursRow.WeekdayOf(nextOpen.DayOfWeek));
        return daysAhead switch
        {
            0 => $"today at {time}",
            1 => $"tomorrow at {time}",
            >= 2 and <= 6 => $"on {day} at {time}",
            _ => $"on {day}, {nextOpen.Day} {CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(nextOpen.Month)} at {time}",
        };
    }

    private static string Ukrainian(OffsetDateTime nextOpen, int? daysAhead)
    {
        // "об" before a vowel sound: only "об одинадцятій" among the hours.
        string at = (nextOpen.Hour == 11 ? "об " : "о ") + TimeText.Format(nextOpen.TimeOfDay);
        string day = UkrainianDaysAfterPreposition[WorkingHoursRow.WeekdayOf(nextOpen.DayOfWeek)];
        return daysAhead switch
        {
            0 => $"сьогодні {at}",
            1 => $"завтра {at}",
            >= 2 and <= 6 => $"{day} {at}",
            _ => $"{day}, {nextOpen.Day} {UkrainianMonthsGenitive[nextOpen.Month - 1]}, {at}",
        };
    }

    private static bool IsUkraine(string? countryCode) =>
        string.Equals(countryCode?.Trim(), "UA", StringComparison.OrdinalIgnoreCase);
}
