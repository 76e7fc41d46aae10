using NodaTime;

namespace Spheres.Core.Analytics;

public sealed record HourCell(int Weekday, int Hour, int Count);

public sealed record PeakSlot(int Weekday, int Hour, int Count, double Share);

public sealed record OutsideHours(int Count, double Share);

/// <summary>The peak-hours answer: 168 cells (weekday 0 = Monday, local hour), the busiest five, and the demand that found the channel closed.</summary>
public sealed record PeakHoursReport(
    string Timezone, string From, string To, int Total, IReadOnlyList<HourCell> Cells, IReadOnlyList<PeakSlot> Peaks, OutsideHours OutsideHours)
{
    /// <summary>Cells counted while the channel was closed, for the recommendations.</summary>
    public IReadOnlyList<HourCell> OutsideCells { get; init; } = [];

    /// <summary>Per weekday (0 = Monday), how many different customers wrote while the channel was closed.</summary>
    public IReadOnlyList<int> OutsideCustomers { get; init; } = new int[7];
}

/// <summary>
/// Counts messages into a 7×24 grid by their local wall-clock time in the zone: each instant is converted with
/// the zone's offset at that instant, so a DST week lands every message in the hour its customer's clock showed
/// (the skipped spring hour stays empty, the repeated autumn hour counts both).
/// </summary>
public sealed class PeakHoursGrid(DateTimeZone zone)
{
    public const int TopSlots = 5;

    private readonly int[] _all = new int[7 * 24];
    private readonly int[] _outside = new int[7 * 24];
    private readonly HashSet<string>[] _outsideSenders = [.. Enumerable.Range(0, 7).Select(_ => new HashSet<string>(StringComparer.Ordinal))];

    public int Total { get; private set; }

    public int OutsideTotal { get; private set; }

    public void Add(Instant sentAt, bool whileClosed, string sender)
    {
        var local = sentAt.InZone(zone).LocalDateTime;
        var cell = ((int)local.DayOfWeek - 1) * 24 + local.Hour;
        _all[cell]++;
        Total++;
        if (!whileClosed) return;
        _outside[cell]++;
        _outsideSenders[cell / 24].Add(sender);
        OutsideTotal++;
    }

    public PeakHoursReport Report(AnalyticsPeriod period)
    {
        var cells = Cells(_all);
        var peaks = cells.Where(c => c.Count > 0).OrderByDescending(c => c.Count).ThenBy(c => c.Weekday).ThenBy(c => c.Hour).Take(TopSlots)
            .Select(c => new PeakSlot(c.Weekday, c.Hour, c.Count, Share(c.Count, Total))).ToList();
        return new PeakHoursReport(zone.Id, period.FromText, period.ToText, Total, cells, peaks, new OutsideHours(OutsideTotal, Share(OutsideTotal, Total)))
        {
            OutsideCells = Cells(_outside),
            OutsideCustomers = [.. _outsideSenders.Select(senders => senders.Count)],
        };
    }

    public static double Share(int count, int total) => total == 0 ? 0 : Math.Round((double)count / total, 4);

    private static List<HourCell> Cells(int[] counts) =>
        [.. Enumerable.Range(0, counts.Length).Select(i => new HourCell(i / 24, i % 24, counts[i]))];
}
