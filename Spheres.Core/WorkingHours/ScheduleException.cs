using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// A holiday (<see cref="IsClosed"/>) or a day with other hours (<see cref="Ranges"/>) that replaces
/// the weekly rows for the business day <see cref="Date"/>. "Business day" matters for overnight
/// shifts: the exception replaces the shifts that <em>start</em> on its date; a weekly overnight row
/// of the day before still runs to its end in the early hours of the exception date, and the
/// exception's own ranges may run past midnight into the next day.
/// </summary>
/// <remarks>
/// <see cref="RecurringAnnually"/> matches the same month and day in every year (before and after
/// <see cref="Date"/>'s year). A recurring 29 February matches only leap years: it is not moved to
/// 28 February or 1 March, because a business that closes "on 29 February" has no such day otherwise.
/// When a dated and a recurring exception fall on the same date, the dated one wins.
/// </remarks>
public sealed record ScheduleException(
    LocalDate Date,
    bool IsClosed,
    IReadOnlyList<TimeRange> Ranges,
    string? Name = null,
    bool RecurringAnnually = false)
{
    public static ScheduleException ClosedOn(LocalDate date, string? name = null, bool recurringAnnually = false) =>
        new(date, IsClosed: true, [], name, recurringAnnually);

    public static ScheduleException OpenOn(
        LocalDate date, IReadOnlyList<TimeRange> ranges, string? name = null, bool recurringAnnually = false) =>
        new(date, IsClosed: false, ranges, name, recurringAnnually);

    /// <summary>Whether this exception governs the business day <paramref name="date"/>.</summary>
    public bool AppliesTo(LocalDate date) =>
        RecurringAnnually ? date.Month == Date.Month && date.Day == Date.Day : date == Date;
}
