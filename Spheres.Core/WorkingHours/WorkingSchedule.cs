using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// An integration's working hours compiled for fast questions: weekly rows plus dated exceptions,
/// read as local wall-clock times in <see cref="Zone"/>. Immutable and thread-safe; compile once
/// per (rows, exceptions, zone) and reuse.
/// </summary>
/// <remarks>
/// <para>An instant is open when its local time (the instant converted with the zone's offset at
/// that instant) falls inside a shift. So a shift that starts inside a spring-forward gap opens when
/// the clock jumps (Europe/Kyiv 2026-03-29 03:30 opens at 04:00 EEST), an hour that occurs twice in
/// autumn is open in both occurrences, and an overnight shift across a DST change ends at its local
/// end time. A shift that lies wholly inside a gap never opens that day.</para>
/// <para>The shifts of a business day are its exception's ranges when an exception applies to the
/// date (none when closed), otherwise the enabled weekly rows of its weekday. A day's minute is open
/// when a shift of that day covers it, or an overnight shift of the previous day runs into it: an
/// exception replaces the shifts that start on its date and leaves the previous evening's overnight
/// shift running to its end.</para>
/// <para>A week with no rows at all is open around the clock (exceptions still apply to their dates);
/// a week whose rows are all disabled is closed except on exception dates with ranges.</para>
/// </remarks>
public sealed partial class WorkingSchedule
{
    /// <summary>How far <see cref="NextOpening"/> and <see cref="NextClosing"/> look ahead.</summary>
    public static readonly Duration SearchHorizon = Duration.FromDays(400);

    private const long TicksPerMinute = NodaConstants.TicksPerMinute;
    private const long TicksPerDay = NodaConstants.TicksPerDay;
    private const int MinutesPerDay = DayPlan.MinutesPerDay;
    private static readonly LocalDate UnixEpochDate = new(1970, 1, 1);

    private readonly DayPlan[] weekly;            // index 0 = Monday
    private readonly long[] exceptionDays;        // dated exceptions, days since 1970-01-01, sorted
    private readonly DayPlan[] exceptionPlans;    // parallel to exceptionDays
    private readonly DayPlan?[]? recurringPlans;  // by month * 32 + day; null when none recur
    private readonly bool hasExceptions;
    private readonly bool neverOpen;
    private readonly bool alwaysOpen;
    private readonly int spillEnd;                // no overnight shift of any day runs past this minute

    public DateTimeZone Zone { get; }

    private WorkingSchedule(
        DateTimeZone zone, DayPlan[] weekly, long[] exceptionDays, DayPlan[] exceptionPlans, DayPlan?[]? recurringPlans)
    {
        Zone = zone;
        this.weekly = weekly;
        this.exceptionDays = exceptionDays;
        this.exceptionPlans = exceptionPlans;
        this.recurringPlans = recurringPlans;
        hasExceptions = exceptionDays.Length > 0 || recurringPlans is not null;
        var exceptionPlansInUse = exceptionPlans.Concat(recurringPlans?.OfType<DayPlan>() ?? []).ToList();
        neverOpen = weekly.All(plan => plan.IsClosedAllDay) && exceptionPlansInUse.All(plan => plan.IsClosedAllDay);
        alwaysOpen = weekly.All(plan => ReferenceEquals(plan, DayPlan.AllDay)) && !hasExceptions;
        spillEnd = weekly.Concat(exceptionPlansInUse).Max(plan => plan.SpillEnd);
    }

    /// <summary>
    /// Compiles rows and exceptions that pass <see cref="WorkingHoursValidator"/>; throws
    /// <see cref="ArgumentException"/> with the validator's messages otherwise.
    /// </summary>
    public static WorkingSchedule Compile(
        IEnumerable<WorkingHoursRow> rows, IEnumerable<ScheduleException> exceptions, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        List<WorkingHoursRow> rowList = [.. rows];
        List<ScheduleException> exceptionList = [.. exceptions];
        var errors = WorkingHoursValidator.ValidateWeek(rowList)
            .Concat(WorkingHoursValidator.ValidateExceptions(exceptionList))
            .Select(pair => $"{pair.Key}: {string.Join(" ", pair.Value)}")
            .ToList();
        if (errors.Count > 0)
            throw new ArgumentException("Invalid working hours. " + string.Join(" ", errors), nameof(rows));

        DayPlan[] weekly = rowList.Count == 0
            ? Enumerable.Repeat(DayPlan.AllDay, 7).ToArray()
            : Enumerable.Range(0, 7)
                .Select(weekday => DayPlan.FromRanges(
                    rowList.Where(row => row.IsEnabled && row.Weekday == weekday).Select(row => row.Range)))
                .ToArray();

        var dated = exceptionList.Where(e => !e.RecurringAnnually)
            .Select(e => (Day: (long)Period.DaysBetween(UnixEpochDate, e.Date), Plan: PlanOf(e)))
            .OrderBy(e => e.Day)
            .ToArray();

        DayPlan?[]? recurring = null;
        foreach (ScheduleException exception in exceptionList.Where(e => e.RecurringAnnually))
        {
            recurring ??= new DayPlan?[13 * 32];
            recurring[exception.Date.Month * 32 + exception.Date.Day] = PlanOf(exception);
        }

        return new WorkingSchedule(
            zone, weekly, dated.Select(e => e.Day).ToArray(), dated.Select(e => e.Plan).ToArray(), recurring);
    }

    /// <summary>As the other overload, with an IANA zone id from <see cref="DateTimeZoneProviders.Tzdb"/>.</summary>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException">The id is not an IANA zone.</exception>
    public static WorkingSchedule Compile(
        IEnumerable<WorkingHoursRow> rows, IEnumerable<ScheduleException> exceptions, string timeZoneId) =>
        Compile(rows, exceptions, DateTimeZoneProviders.Tzdb[timeZoneId]);

    /// <summary>Whether the business is open at <paramref name="instant"/>. Allocation-free.</summary>
    public bool IsOpenAt(Instant instant) =>
        IsOpenAtLocal(instant.ToUnixTimeTicks() + Zone.GetUtcOffset(instant).Ticks);

    /// <summary>The status endpoint's answer at <paramref name="now"/>.</summary>
    public WorkingHoursStatus Evaluate(Instant now) => new(
        IsOpenAt(now),
        Zone.Id,
        WithZoneOffset(now),
        NextOpening(now) is { } opening ? WithZoneOffset(opening) : null,
        NextClosing(now) is { } closing ? WithZoneOffset(closing) : null);

    /// <summary>The status at the clock's current time.</summary>
    public WorkingHoursStatus Evaluate(TimeProvider clock) =>
        Evaluate(Instant.FromDateTimeOffset(clock.GetUtcNow()));

    private OffsetDateTime WithZoneOffset(Instant instant) => instant.WithOffset(Zone.GetUtcOffset(instant));

    /// <summary>Local ticks are wall-clock ticks since 1970-01-01T00:00 local.</summary>
    private bool IsOpenAtLocal(long localTicks)
    {
        long day = FloorDiv(localTicks, TicksPerDay);
        int minute = (int)((localTicks - day * TicksPerDay) / TicksPerMinute);
        // Most minutes are past every overnight shift's end: skip the previous day's lookup then.
        return PlanFor(day).OwnCovers(minute) || (minute < spillEnd && PlanFor(day - 1).SpillCovers(minute));
    }

    /// <summary>The shifts that start on a business day (days since 1970-01-01, local).</summary>
    private DayPlan PlanFor(long day)
    {
        if (hasExceptions && ExceptionPlanFor(day) is { } exceptionPlan)
            return exceptionPlan;
        return weekly[(int)FloorMod(day + 3, 7)]; // 1970-01-01 was a Thursday, weekday 3
    }

    private DayPlan? ExceptionPlanFor(long day)
    {
        int index = Array.BinarySearch(exceptionDays, day);
        if (index >= 0)
            return exceptionPlans[index];
        if (recurringPlans is null)
            return null;
        (int month, int dayOfMonth) = MonthAndDay(day);
        return recurringPlans[month * 32 + dayOfMonth];
    }

    private static DayPlan PlanOf(ScheduleException exception) =>
        exception.IsClosed ? DayPlan.Closed : DayPlan.FromRanges(exception.Ranges);

    /// <summary>
    /// Gregorian month and day of a day number, without building a LocalDate (keeps IsOpenAt cheap).
    /// H. Hinnant's civil_from_days: count from 0000-03-01 so the leap day ends each 400-year era.
    /// </summary>
    internal static (int Month, int Day) MonthAndDay(long daysSinceEpoch)
    {
        long z = daysSinceEpoch + 719_468;
        long era = FloorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = (int)(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        int month = (int)(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        return (month, dayOfMonth);
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }

    private static long FloorMod(long value, long divisor) => value - FloorDiv(value, divisor) * divisor;
}
