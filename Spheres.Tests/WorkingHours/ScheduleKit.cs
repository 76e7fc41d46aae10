using NodaTime;
using NodaTime.Text;
using Spheres.Core.WorkingHours;

namespace Spheres.Tests.WorkingHours;

/// <summary>Short ways to write schedules and explicit UTC instants in the working-hours tests.</summary>
internal static class ScheduleKit
{
    public static readonly DateTimeZone Kyiv = DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
    public static readonly DateTimeZone Warsaw = DateTimeZoneProviders.Tzdb["Europe/Warsaw"];
    public static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    public static readonly DateTimeZone Utc = DateTimeZoneProviders.Tzdb["Etc/UTC"];

    public const int Monday = 0, Tuesday = 1, Wednesday = 2, Thursday = 3, Friday = 4, Saturday = 5, Sunday = 6;

    private static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static LocalTime Time(string hourMinute) => HourMinute.Parse(hourMinute).Value;

    public static WorkingHoursRow Row(int weekday, string start, string end, bool enabled = true) =>
        new(weekday, Time(start), Time(end), enabled);

    public static TimeRange Range(string start, string end) => new(Time(start), Time(end));

    /// <summary>Monday to Friday with the same hours.</summary>
    public static WorkingHoursRow[] Weekdays(string start, string end) =>
        [.. Enumerable.Range(Monday, 5).Select(day => Row(day, start, end))];

    public static Instant AtUtc(int year, int month, int day, int hour, int minute, int second = 0) =>
        Instant.FromUtc(year, month, day, hour, minute, second);

    public static WorkingSchedule Schedule(DateTimeZone zone, IEnumerable<WorkingHoursRow> rows, params ScheduleException[] exceptions) =>
        WorkingSchedule.Compile(rows, exceptions, zone);

    public static WorkingSchedule Schedule(DateTimeZone zone, params WorkingHoursRow[] rows) =>
        WorkingSchedule.Compile(rows, [], zone);

    /// <summary>The local wall-clock reading of an instant, for readable assertions.</summary>
    public static string Local(Instant? instant, DateTimeZone zone) =>
        instant is { } value ? value.InZone(zone).ToString("uuuu-MM-dd HH:mm o<g>", null) : "null";
}
