namespace Spheres.Core.WorkingHours;

/// <summary>
/// The shifts that start on one business day, as two minute bitmaps: <c>own</c> covers the minutes
/// of that day, <c>spill</c> the minutes of the next day that its overnight shifts run into. A day's
/// openness is its own bitmap OR the previous day's spill, which is what lets an exception replace
/// one day's shifts without cutting the previous evening's overnight shift short.
/// </summary>
internal sealed class DayPlan
{
    public const int MinutesPerDay = TimeRange.MinutesPerDay;
    public const int Words = (MinutesPerDay + 63) / 64;

    private readonly ulong[] own = new ulong[Words];
    private readonly ulong[] spill = new ulong[Words];

    public static DayPlan Closed { get; } = new();

    /// <summary>Open from 00:00 to midnight: every day of a week that has no rows at all.</summary>
    public static DayPlan AllDay { get; } = CreateAllDay();

    public bool IsClosedAllDay => own.All(word => word == 0) && spill.All(word => word == 0);

    /// <summary>The minute of the next day at which this day's overnight shifts have all ended (0 when none).</summary>
    public int SpillEnd
    {
        get
        {
            for (int word = Words - 1; word >= 0; word--)
            {
                if (spill[word] != 0)
                    return word * 64 + 64 - System.Numerics.BitOperations.LeadingZeroCount(spill[word]);
            }
            return 0;
        }
    }

    public static DayPlan FromRanges(IEnumerable<TimeRange> ranges)
    {
        var plan = new DayPlan();
        foreach (TimeRange range in ranges)
        {
            int start = range.StartMinute, end = range.EndMinute;
            SetBits(plan.own, start, Math.Min(end, MinutesPerDay));
            if (end > MinutesPerDay)
                SetBits(plan.spill, 0, end - MinutesPerDay);
        }
        return plan;
    }

    private static DayPlan CreateAllDay()
    {
        var plan = new DayPlan();
        SetBits(plan.own, 0, MinutesPerDay);
        return plan;
    }

    // A ulong shift count is taken mod 64, so 1UL << minute picks the bit inside the word.
    public bool OwnCovers(int minute) => (own[minute >> 6] & (1UL << minute)) != 0;

    public bool SpillCovers(int minute) => (spill[minute >> 6] & (1UL << minute)) != 0;

    public ulong OwnWord(int word) => own[word];

    public ulong SpillWord(int word) => spill[word];

    private static void SetBits(ulong[] bits, int from, int to)
    {
        for (int minute = from; minute < to; minute++)
            bits[minute >> 6] |= 1UL << minute;
    }
}
