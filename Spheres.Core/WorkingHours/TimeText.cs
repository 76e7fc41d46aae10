using System.Globalization;
using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>The API's "HH:MM" notation, for messages and for the Table/JSON mapping.</summary>
internal static class TimeText
{
    public static string Format(LocalTime time) =>
        time.Hour.ToString("00", CultureInfo.InvariantCulture) + ":" + time.Minute.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>An end time as the owner wrote it: "24:00" for the end of the day when they wrote that, else "HH:MM".</summary>
    public static string FormatEnd(LocalTime end, bool endsAtEndOfDay) => endsAtEndOfDay ? WorkingHoursInput.EndOfDay : Format(end);

    /// <summary>A stored or sent end time: "24:00" is midnight at the end of the day; null when it is no time at all.</summary>
    public static (LocalTime End, bool EndsAtEndOfDay)? ParseEnd(string? text) =>
        text == WorkingHoursInput.EndOfDay ? (LocalTime.Midnight, true)
        : WorkingHoursValidator.TryParseTime(text, out var time, out _) ? (time, false)
        : null;

    /// <summary>A minute of the week (0 = Monday 00:00) as "Monday 09:00".</summary>
    public static string FormatMinuteOfWeek(int minuteOfWeek)
    {
        int weekday = minuteOfWeek / TimeRange.MinutesPerDay % 7;
        int minute = minuteOfWeek % TimeRange.MinutesPerDay;
        return $"{WorkingHoursRow.WeekdayName(weekday)} {FormatMinute(minute)}";
    }

    public static string FormatMinute(int minuteOfDay) =>
        Format(new LocalTime(minuteOfDay / 60 % 24, minuteOfDay % 60));
}
