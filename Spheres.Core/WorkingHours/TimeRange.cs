using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// A span of local wall-clock time that starts on one day. An <see cref="End"/> earlier than
/// <see cref="Start"/> runs past midnight into the next day; <c>End</c> 00:00 means midnight at the
/// end of the day, so 22:00–00:00 ends exactly at midnight. <c>End == Start</c> is invalid, except 00:00–24:00, the
/// whole day. <paramref name="EndsAtEndOfDay"/> says the owner wrote the end as "24:00" (End is then 00:00): the same
/// midnight, kept so it reads back as written.
/// </summary>
public readonly record struct TimeRange(LocalTime Start, LocalTime End, bool EndsAtEndOfDay = false)
{
    internal const int MinutesPerDay = 24 * 60;

    /// <summary>True when the range ends on the next day (including the 22:00–00:00 case and 00:00–24:00).</summary>
    public bool RunsPastMidnight => End < Start || EndsAtEndOfDay;

    /// <summary>The whole day: 00:00–24:00.</summary>
    public bool IsWholeDay => EndsAtEndOfDay && Start == LocalTime.Midnight;

    /// <summary>Minutes from the start of the range's own day: [start, end), end may exceed one day.</summary>
    internal int StartMinute => MinuteOfDay(Start);

    internal int EndMinute => MinuteOfDay(End) + (RunsPastMidnight ? MinutesPerDay : 0);

    internal static int MinuteOfDay(LocalTime time) => time.Hour * 60 + time.Minute;

    internal static bool IsWholeMinute(LocalTime time) => time.Second == 0 && time.NanosecondOfSecond == 0;

    public override string ToString() => $"{TimeText.Format(Start)}-{TimeText.FormatEnd(End, EndsAtEndOfDay)}";
}
