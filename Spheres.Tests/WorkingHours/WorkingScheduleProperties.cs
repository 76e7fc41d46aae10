using CsCheck;
using NodaTime;
using Spheres.Core.WorkingHours;
using static Spheres.Tests.WorkingHours.ScheduleKit;

namespace Spheres.Tests.WorkingHours;

/// <summary>
/// Random valid schedules in the three reference zones, random 2026 instants (many close to a DST
/// change): the compiled schedule must agree with <see cref="ReferenceSchedule"/> minute by minute
/// for eight days, and NextOpening/NextClosing must be the first changes of that minute scan.
/// </summary>
public class WorkingScheduleProperties
{
    private const int ScanMinutes = 8 * 24 * 60;

    public sealed record ScheduleCase(
        DateTimeZone Zone, Instant Start, IReadOnlyList<WorkingHoursRow> Rows, IReadOnlyList<ScheduleException> Exceptions)
    {
        public override string ToString() =>
            $"{Zone.Id} from {Start} ({Local(Start, Zone)}); rows: [{string.Join("; ", Rows)}]; exceptions: [" +
            string.Join("; ", Exceptions.Select(e =>
                $"{e.Date:uuuu-MM-dd}{(e.RecurringAnnually ? " yearly" : "")} {(e.IsClosed ? "closed" : string.Join(",", e.Ranges))}")) + "]";
    }

    private static readonly Dictionary<DateTimeZone, Instant[]> DstChanges = new()
    {
        [Kyiv] = [AtUtc(2026, 3, 29, 1, 0), AtUtc(2026, 10, 25, 1, 0)],
        [Warsaw] = [AtUtc(2026, 3, 29, 1, 0), AtUtc(2026, 10, 25, 1, 0)],
        [NewYork] = [AtUtc(2026, 3, 8, 7, 0), AtUtc(2026, 11, 1, 6, 0)],
    };

    // Quarter hours most of the time, and often in the small hours, so rows start or end in
    // and around the hours that DST skips or repeats.
    private static readonly Gen<int> MinuteOfDay = Gen.Frequency(
        (2, Gen.Int[0, 95].Select(quarter => quarter * 15)),
        (2, Gen.Int[0, 20].Select(quarter => quarter * 15)),
        (1, Gen.Int[0, 24 * 60 - 1]));

    private static readonly Gen<LocalTime> Time = MinuteOfDay.Select(minute => new LocalTime(minute / 60, minute % 60));

    // DST changes fall on Sundays: Saturday and Sunday rows are where the interesting cases are.
    private static readonly Gen<int> Weekday = Gen.Frequency((2, Gen.Int[5, 6]), (3, Gen.Int[0, 6]));

    private static readonly Gen<WorkingHoursRow> AnyRow =
        Gen.Select(Weekday, Time, Time, Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false))))
            .Where((_, start, end, _) => start != end)
            .Select((weekday, start, end, enabled) => new WorkingHoursRow(weekday, start, end, enabled));

    private static readonly Gen<TimeRange> AnyRange =
        Gen.Select(Time, Time).Where((start, end) => start != end).Select((start, end) => new TimeRange(start, end));

    /// <summary>An exception as (days from the start date, closed?, ranges, recurring?).</summary>
    private static readonly Gen<(int DayOffset, bool Closed, TimeRange[] Ranges, bool Recurring)> AnyExceptionSpec =
        Gen.Select(Gen.Int[-2, 9], Gen.Bool, AnyRange.Array[1, 2], Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))));

    /// <summary>Anywhere in 2026, or in the three days before and the day after one of the zone's DST changes.</summary>
    private static Gen<Instant> InstantIn2026(DateTimeZone zone) => Gen.Frequency(
        (1, Gen.Long[AtUtc(2026, 1, 1, 0, 0).ToUnixTimeSeconds(), AtUtc(2026, 12, 31, 0, 0).ToUnixTimeSeconds()]
            .Select(Instant.FromUnixTimeSeconds)),
        (3, Gen.Select(Gen.OneOf(DstChanges[zone]), Gen.Int[-3 * 24 * 60, 24 * 60], Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 59])))
            .Select((change, minutes, seconds) => change + Duration.FromMinutes(minutes) + Duration.FromSeconds(seconds))));

    private static readonly Gen<ScheduleCase> AnyCase =
        Gen.OneOf(Kyiv, Warsaw, NewYork)
            .SelectMany(zone => Gen.Select(Gen.Const(zone), InstantIn2026(zone), AnyRow.Array[0, 10], AnyExceptionSpec.Array[0, 3]))
            .Select((zone, start, candidateRows, specs) =>
            {
                LocalDate startDate = start.InZone(zone).Date;
                var exceptions = specs.Select(spec =>
                {
                    LocalDate date = startDate.PlusDays(spec.DayOffset).PlusYears(spec.Recurring ? -1 : 0);
                    return spec.Closed
                        ? ScheduleException.ClosedOn(date, recurringAnnually: spec.Recurring)
                        : ScheduleException.OpenOn(date, spec.Ranges, recurringAnnually: spec.Recurring);
                });
                return new ScheduleCase(
                    zone, start,
                    KeepValid(candidateRows, WorkingHoursValidator.ValidateWeek),
                    KeepValid(exceptions, WorkingHoursValidator.ValidateExceptions));
            });

    /// <summary>Adds candidates one by one, dropping each that would make the list invalid.</summary>
    private static List<T> KeepValid<T>(IEnumerable<T> candidates, Func<IReadOnlyList<T>, IReadOnlyDictionary<string, string[]>> validate)
    {
        var kept = new List<T>();
        foreach (T candidate in candidates)
        {
            kept.Add(candidate);
            if (validate(kept).Count > 0)
                kept.RemoveAt(kept.Count - 1);
        }
        return kept;
    }

    [Fact]
    public void Compiled_schedule_agrees_with_the_reference_and_finds_the_first_changes()
    {
        AnyCase.Sample(Check, iter: 300, print: c => c.ToString());
    }

    private static void Check(ScheduleCase c)
    {
        var schedule = WorkingSchedule.Compile(c.Rows, c.Exceptions, c.Zone);
        var reference = new ReferenceSchedule(c.Rows, c.Exceptions, c.Zone);
        Instant firstMinute = Instant.FromUnixTimeTicks(c.Start.ToUnixTimeTicks() / NodaConstants.TicksPerMinute * NodaConstants.TicksPerMinute);

        bool openAtStart = reference.IsOpenAt(c.Start);
        Assert.Equal(openAtStart, schedule.IsOpenAt(c.Start));

        Instant? expectedOpening = null, expectedClosing = null;
        bool previous = reference.IsOpenAt(firstMinute);
        Assert.Equal(openAtStart, previous); // the start's minute decides, whatever its seconds
        for (int k = 1; k <= ScanMinutes; k++)
        {
            Instant minute = firstMinute + Duration.FromMinutes(k);
            bool open = reference.IsOpenAt(minute);
            if (open != schedule.IsOpenAt(minute))
                Assert.Fail($"IsOpenAt({minute}, {Local(minute, c.Zone)}): reference says {open}.");
            if (open && !previous)
                expectedOpening ??= minute;
            if (!open && previous)
                expectedClosing ??= minute;
            previous = open;
        }

        Instant scanEnd = firstMinute + Duration.FromMinutes(ScanMinutes);
        AssertFirstChange(expectedOpening, schedule.NextOpening(c.Start), scanEnd, c.Zone, "NextOpening");
        AssertFirstChange(expectedClosing, schedule.NextClosing(c.Start), scanEnd, c.Zone, "NextClosing");

        if (schedule.NextOpening(c.Start) is { } opening)
        {
            Assert.True(schedule.IsOpenAt(opening));
            Assert.False(schedule.IsOpenAt(opening - Duration.Epsilon));
        }
        if (schedule.NextClosing(c.Start) is { } closing)
        {
            Assert.False(schedule.IsOpenAt(closing));
            Assert.True(schedule.IsOpenAt(closing - Duration.Epsilon));
        }

        var status = schedule.Evaluate(c.Start);
        Assert.Equal(openAtStart, status.IsOpen);
        Assert.Equal(schedule.NextOpening(c.Start), status.NextOpenAt?.ToInstant());
        Assert.Equal(schedule.NextClosing(c.Start), status.NextCloseAt?.ToInstant());
    }

    /// <summary>Found in the scan: must be that instant. Not found: null, or somewhere past the scan.</summary>
    private static void AssertFirstChange(Instant? expected, Instant? actual, Instant scanEnd, DateTimeZone zone, string what)
    {
        if (expected is not null)
            Assert.True(expected == actual, $"{what}: expected {Local(expected, zone)}, got {Local(actual, zone)}.");
        else
            Assert.True(actual is null || actual > scanEnd, $"{what}: expected none before {Local(scanEnd, zone)}, got {Local(actual, zone)}.");
    }
}
