using System.Numerics;
using NodaTime;
using NodaTime.TimeZones;

namespace Spheres.Core.WorkingHours;

public sealed partial class WorkingSchedule
{
    /// <summary>
    /// The first instant strictly after <paramref name="after"/> at which the schedule goes from
    /// closed to open. When open at <paramref name="after"/>, that is the start of the next open
    /// period after the current one ends (never <paramref name="after"/> itself). Null when no
    /// opening happens within <see cref="SearchHorizon"/>: a week with no rows and no exceptions
    /// (always open), a schedule that is never open, or exceptions closing everything in reach.
    /// </summary>
    public Instant? NextOpening(Instant after) => NextChange(after, toOpen: true);

    /// <summary>
    /// The first instant strictly after <paramref name="after"/> at which the schedule goes from open
    /// to closed: the end of the current open period, or when closed at <paramref name="after"/>, the
    /// end of the next one. Null when no closing happens within <see cref="SearchHorizon"/> (always
    /// open, or never open).
    /// </summary>
    public Instant? NextClosing(Instant after) => NextChange(after, toOpen: false);

    private Instant? NextChange(Instant after, bool toOpen)
    {
        if (neverOpen || alwaysOpen)
            return null;

        Instant horizon = after < Instant.MaxValue - SearchHorizon ? after + SearchHorizon : Instant.MaxValue;
        Instant from = after;
        while (true)
        {
            // Within one zone interval the offset is fixed, so instants and wall-clock times move
            // together and the change can be found on the local timeline.
            ZoneInterval interval = Zone.GetZoneInterval(from);
            long offset = interval.WallOffset.Ticks;
            bool offsetChangesFirst = interval.HasEnd && interval.End < horizon;
            Instant until = offsetChangesFirst ? interval.End : horizon;
            if (FirstLocalChange(from.ToUnixTimeTicks() + offset, until.ToUnixTimeTicks() + offset, toOpen) is long local)
                return Instant.FromUnixTimeTicks(local - offset);
            if (!offsetChangesFirst)
                return null;

            // The wall clock jumps here, which itself opens or closes, e.g. a shift starting in a spring-forward gap.
            Instant jump = interval.End;
            bool openBefore = IsOpenAtLocal(jump.ToUnixTimeTicks() + offset - 1);
            if (openBefore != toOpen && IsOpenAt(jump) == toOpen)
                return jump;
            from = jump;
        }
    }

    /// <summary>
    /// Local ticks of the first whole minute m with <paramref name="fromLocal"/> &lt; m &lt;
    /// <paramref name="untilLocal"/> where the local timeline becomes open (or closed), or null.
    /// Scans a day at a time, 64 minutes per word.
    /// </summary>
    private long? FirstLocalChange(long fromLocal, long untilLocal, bool toOpen)
    {
        long firstMinute = FloorDiv(fromLocal, TicksPerMinute) + 1;
        long lastMinute = FloorDiv(untilLocal - 1, TicksPerMinute);
        if (firstMinute > lastMinute)
            return null;

        long firstDay = FloorDiv(firstMinute, MinutesPerDay);
        long lastDay = FloorDiv(lastMinute, MinutesPerDay);
        DayPlan yesterday = PlanFor(firstDay - 1);
        bool openAtPreviousMinute = yesterday.OwnCovers(MinutesPerDay - 1) || PlanFor(firstDay - 2).SpillCovers(MinutesPerDay - 1);
        for (long day = firstDay; day <= lastDay; day++)
        {
            DayPlan today = PlanFor(day);
            int low = day == firstDay ? (int)(firstMinute - day * MinutesPerDay) : 0;
            int high = day == lastDay ? (int)(lastMinute - day * MinutesPerDay) : MinutesPerDay - 1;
            if (FirstChangeInDay(today, yesterday, openAtPreviousMinute, low, high, toOpen) is int minute)
                return (day * MinutesPerDay + minute) * TicksPerMinute;

            openAtPreviousMinute = today.OwnCovers(MinutesPerDay - 1) || yesterday.SpillCovers(MinutesPerDay - 1);
            yesterday = today;
        }
        return null;
    }

    /// <summary>The first minute in [low, high] of a day whose state differs from the minute before and equals the target.</summary>
    private static int? FirstChangeInDay(
        DayPlan today, DayPlan yesterday, bool openAtPreviousMinute, int low, int high, bool toOpen)
    {
        ulong carry = openAtPreviousMinute ? 1UL : 0UL;
        for (int word = 0; word < DayPlan.Words; word++)
        {
            ulong open = today.OwnWord(word) | yesterday.SpillWord(word);
            ulong openBefore = (open << 1) | carry; // bit i: open at the minute before minute i
            carry = open >> 63;
            ulong changes = toOpen ? open & ~openBefore : ~open & openBefore;
            changes &= MinuteMask(word, low, high);
            if (changes != 0)
                return word * 64 + BitOperations.TrailingZeroCount(changes);
        }
        return null;
    }

    /// <summary>The bits of a 64-minute word that fall in [low, high].</summary>
    private static ulong MinuteMask(int word, int low, int high)
    {
        int first = word * 64;
        if (high < first || low > first + 63)
            return 0;
        int lowBit = Math.Max(low - first, 0);
        int highBit = Math.Min(high - first, 63);
        return (ulong.MaxValue << lowBit) & (ulong.MaxValue >> (63 - highBit));
    }
}
