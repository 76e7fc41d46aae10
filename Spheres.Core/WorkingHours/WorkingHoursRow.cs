using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// One row of an integration's weekly schedule: on <see cref="Weekday"/> (0 = Monday … 6 = Sunday)
/// the business is open from <see cref="StartTime"/> to <see cref="EndTime"/>, local wall-clock time.
/// See <see cref="TimeRange"/> for the past-midnight and 00:00 rules. A day may hold several rows.
/// A disabled row may have no times (<see cref="HasTimes"/> false: the modal's "Sunday [ ]"); it is
/// kept as sent and never opens.
/// </summary>
public sealed record WorkingHoursRow(
    int Weekday,
    LocalTime StartTime,
    LocalTime EndTime,
    bool IsEnabled = true,
    long? Id = null,
    bool HasTimes = true)
{
    /// <summary>A disabled day with no times. Its range is a one-minute placeholder that nothing reads: disabled rows never open or overlap.</summary>
    public static WorkingHoursRow WithoutTimes(int weekday) =>
        new(weekday, LocalTime.Midnight, new LocalTime(0, 1), IsEnabled: false, HasTimes: false);

    /// <summary>The end was written "24:00" (the end of the day; <see cref="EndTime"/> is 00:00): read back as written.</summary>
    public bool EndsAtEndOfDay { get; init; }

    public TimeRange Range => new(StartTime, EndTime, EndsAtEndOfDay);

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
        $"{WeekdayName(Weekday)} {(HasTimes ? Range.ToString() : "without times")}{(IsEnabled ? "" : " (disabled)")}";
}
