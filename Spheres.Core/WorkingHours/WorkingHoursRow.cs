using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// One row of an integration's weekly schedule: on <see cref="Weekday"/> (0 = Monday … 6 = Sunday)
/// the business is open from <see cref="StartTime"/> to <see cref="EndTime"/>, local wall-clock time.
/// See <see cref="TimeRange"/> for the past-midnight and 00:00 rules. A day may hold several rows.
/// </summary>
public sealed record WorkingHoursRow(
    int Weekday,
    LocalTime StartTime,
    LocalTime EndTime,
    bool IsEnabled = true,
    long? Id = null)
{
    public TimeRange Range => new(StartTime, EndTime);

    public bool RunsPastMidnight => Range.RunsPastMidnight;

    /// <summary>0 = Monday … 6 = Sunday, the API's numbering.</summary>
    public static int WeekdayOf(IsoDayOfWeek day) => (int)day - 1;

    public static string WeekdayName(int weekday) => weekday switch
    {
        0 => "Monday", 1 => "Tuesday", 2 => "Wednesday", 3 => "Thursday",
        4 => "Friday", 5 => "Saturday", 6 => "Sunday",
        _ => $"weekday {weekday}",
    };

    public override string ToString() =>
        $"{WeekdayName(Weekday)} {Range}{(IsEnabled ? "" : " (disabled)")}";
}
