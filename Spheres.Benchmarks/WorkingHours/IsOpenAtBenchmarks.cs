using BenchmarkDotNet.Attributes;
using NodaTime;
using Spheres.Core.WorkingHours;

namespace Spheres.Benchmarks.WorkingHours;

/// <summary>
/// IsOpenAt on a realistic salon week in Europe/Kyiv, against a straightforward evaluation over the
/// rows as the baseline. Each invocation asks about 1024 instants spread over 2026, so the figure per
/// operation is an average over days, nights, weekends, both offsets and the exception dates.
/// </summary>
[MemoryDiagnoser]
public class IsOpenAtBenchmarks
{
    private const int InstantCount = 1024;

    private DateTimeZone zone = null!;
    private WorkingSchedule compiled = null!;
    private NaiveSchedule naive = null!;
    private Instant[] instants = null!;

    [GlobalSetup]
    public void Setup()
    {
        zone = DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
        LocalTime At(int hour) => new(hour, 0);
        WorkingHoursRow[] rows =
        [
            .. Enumerable.Range(0, 5).Select(weekday => new WorkingHoursRow(weekday, At(9), At(18))),
            new WorkingHoursRow(5, At(10), At(14)),  // Saturday
            new WorkingHoursRow(4, At(20), At(2)),   // Friday night, past midnight
        ];
        ScheduleException[] exceptions =
        [
            ScheduleException.ClosedOn(new LocalDate(2026, 12, 25), "Christmas", recurringAnnually: true),
            ScheduleException.OpenOn(new LocalDate(2026, 12, 31), [new TimeRange(At(10), At(15))], "New Year's Eve"),
        ];
        compiled = WorkingSchedule.Compile(rows, exceptions, zone);
        naive = new NaiveSchedule(rows, exceptions, zone);

        var random = new Random(2026);
        long from = Instant.FromUtc(2026, 1, 1, 0, 0).ToUnixTimeSeconds();
        long to = Instant.FromUtc(2027, 1, 1, 0, 0).ToUnixTimeSeconds();
        instants = [.. Enumerable.Range(0, InstantCount).Select(_ => Instant.FromUnixTimeSeconds(random.NextInt64(from, to)))];
        for (int i = 0; i < InstantCount; i++)
        {
            if (compiled.IsOpenAt(instants[i]) != naive.IsOpenAt(instants[i]))
                throw new InvalidOperationException($"The two evaluations disagree at {instants[i]}.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = InstantCount)]
    public int NaiveOverRows()
    {
        int open = 0;
        foreach (Instant instant in instants)
            open += naive.IsOpenAt(instant) ? 1 : 0;
        return open;
    }

    [Benchmark(OperationsPerInvoke = InstantCount)]
    public int CompiledSchedule()
    {
        int open = 0;
        foreach (Instant instant in instants)
            open += compiled.IsOpenAt(instant) ? 1 : 0;
        return open;
    }

    /// <summary>The floor: NodaTime's offset lookup alone, which every evaluation needs.</summary>
    [Benchmark(OperationsPerInvoke = InstantCount)]
    public long ZoneOffsetOnly()
    {
        long sum = 0;
        foreach (Instant instant in instants)
            sum += zone.GetUtcOffset(instant).Ticks;
        return sum;
    }
}
