using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// Holidays and days with other hours, per integration. One exception per date, and one recurring
/// exception per month and day; a second one is a 409 (delete the first, then add). A recurring
/// exception is addressed as <c>MM-DD</c>, a dated one as <c>YYYY-MM-DD</c>. Same rules and
/// transactions as the weekly rows (<see cref="WorkingHoursAccess"/>).
/// </summary>
public sealed class ScheduleExceptionService(WorkingHoursAccess access, WorkingHoursStore store)
{
    /// <summary>Enough for years of holidays; keeps the one query that loads a schedule (on every uncached message) small.</summary>
    public const int MaxExceptionsPerIntegration = 100;

    private static readonly LocalDatePattern MonthDay =
        LocalDatePattern.Create("MM'-'dd", CultureInfo.InvariantCulture, new LocalDate(2000, 1, 1)); // a leap year: 02-29 is valid

    /// <summary>Dated exceptions by date, then recurring ones by month and day.</summary>
    public async Task<IReadOnlyList<ScheduleException>> ListAsync(Caller caller, int integrationId, CancellationToken cancellationToken)
    {
        await access.ForReadAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        return (await store.LoadAsync(caller.TenantId, integrationId, cancellationToken).ConfigureAwait(false)).Exceptions;
    }

    public async Task<ScheduleException> CreateAsync(Caller caller, int integrationId, ExceptionInput input, CancellationToken cancellationToken)
    {
        var target = await access.ForWriteAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        var errors = new FieldErrors();
        var exception = WorkingHoursInput.ParseException(input, errors);
        if (exception is not null) WorkingHoursInput.ValidateException(exception, errors);
        errors.ThrowIfAny();

        await access.EditAsync(target, schedule =>
        {
            if (schedule.Exceptions.FirstOrDefault(e => SameSlot(e, exception!)) is { } existing)
            {
                throw ProblemException.Conflict(
                    $"Integration {integrationId} already has an exception {Describe(existing)}. Delete it at {Address(existing)} first, then add this one.");
            }
            if (schedule.Exceptions.Count >= MaxExceptionsPerIntegration)
            {
                throw ProblemException.Validation(WorkingHoursInput.WholeRequest,
                    $"An integration holds at most {MaxExceptionsPerIntegration} exceptions; delete past ones first.");
            }
            var change = new ScheduleChange();
            change.AddExceptions.Add(exception!);
            return change;
        }, cancellationToken).ConfigureAwait(false);
        return exception!;
    }

    /// <summary>Deletes the exception at <paramref name="address"/>: <c>YYYY-MM-DD</c> for a dated one, <c>MM-DD</c> for a recurring one.</summary>
    public async Task DeleteAsync(Caller caller, int integrationId, string address, CancellationToken cancellationToken)
    {
        var wanted = ParseAddress(address); // a bad address is a 400 before storage is read
        var target = await access.ForWriteAsync(caller, integrationId, cancellationToken).ConfigureAwait(false);
        await access.EditAsync(target, schedule =>
        {
            var found = schedule.Exceptions.FirstOrDefault(e => SameSlot(e, wanted))
                ?? throw ProblemException.NotFound(wanted.RecurringAnnually
                    ? $"Integration {integrationId} has no exception recurring on {address}."
                    : $"Integration {integrationId} has no exception on {address}. A recurring one is addressed as MM-DD.");
            var change = new ScheduleChange();
            change.DeleteExceptions.Add(found);
            return change;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The path segment that addresses an exception: <c>2026-12-25</c>, or <c>12-25</c> when it recurs every year.</summary>
    public static string Address(ScheduleException exception) =>
        exception.Date.ToString(exception.RecurringAnnually ? "MM-dd" : "uuuu-MM-dd", CultureInfo.InvariantCulture);

    private static ScheduleException ParseAddress(string address)
    {
        if (WorkingHoursValidator.TryParseDate(address, out var date, out _))
            return ScheduleException.ClosedOn(date);
        if (address.Length == 5 && MonthDay.Parse(address) is { Success: true } monthDay)
            return ScheduleException.ClosedOn(monthDay.Value, recurringAnnually: true);
        throw ProblemException.Validation("date",
            $"Address an exception by its date, YYYY-MM-DD, or by MM-DD when it recurs every year; got '{(address.Length > 20 ? address[..20] + "…" : address)}'.");
    }

    /// <summary>Dated exceptions share a slot by date, recurring ones by month and day; the two kinds never collide.</summary>
    private static bool SameSlot(ScheduleException a, ScheduleException b) =>
        a.RecurringAnnually == b.RecurringAnnually &&
        (a.RecurringAnnually ? a.Date.Month == b.Date.Month && a.Date.Day == b.Date.Day : a.Date == b.Date);

    private static string Describe(ScheduleException e) =>
        e.RecurringAnnually
            ? $"recurring every {e.Date.ToString("MMMM d", CultureInfo.InvariantCulture)}"
            : $"on {e.Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)}";
}
