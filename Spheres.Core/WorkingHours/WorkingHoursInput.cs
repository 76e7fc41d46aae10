using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.WorkingHours;

/// <summary>A weekly row as the client sends it; every field optional here so all problems are named at once.</summary>
public sealed record RowInput(int? Weekday, string? StartTime, string? EndTime, bool? IsEnabled, int? Integration = null);

/// <summary>A time range as the client sends it.</summary>
public sealed record RangeInput(string? StartTime, string? EndTime);

/// <summary>An exception as the client sends it.</summary>
public sealed record ExceptionInput(string? Date, bool? IsClosed, IReadOnlyList<RangeInput?>? Ranges, string? Name, bool? RecurringAnnually);

/// <summary>
/// Turns client input into the model, and the validator's field names (<c>rows[3].end_time</c>,
/// <c>exceptions[0].ranges[1]</c>) into the names of the request that was actually sent.
/// </summary>
public static partial class WorkingHoursInput
{
    /// <summary>The key of errors that concern the request as a whole (an overlap of a single row, for instance).</summary>
    public const string WholeRequest = "body";

    /// <summary>An end time of "24:00" is the end of the day: the model's 00:00 end, remembered as written (<see cref="TimeRange"/>).</summary>
    public const string EndOfDay = "24:00";

    /// <summary>The fields of a row that a PUT must send, in their JSON names.</summary>
    public static readonly IReadOnlyList<string> RowFields = ["weekday", "start_time", "end_time", "is_enabled"];

    /// <summary>Parses one row; problems go to <c>{prefix}weekday</c>, <c>{prefix}start_time</c>…; null when any.</summary>
    public static WorkingHoursRow? ParseRow(RowInput? input, string prefix, FieldErrors errors)
    {
        if (input is null)
        {
            errors.Add(prefix.Length == 0 ? WholeRequest : prefix.TrimEnd('.'), "The row is missing.");
            return null;
        }
        var valid = true;
        if (input.Weekday is null)
        {
            errors.Add(prefix + "weekday", "Give the weekday: 0 (Monday) to 6 (Sunday).");
            valid = false;
        }
        if (input is { IsEnabled: false, StartTime: null, EndTime: null })
        {
            // A day switched off with no times, as the modal sends it: kept as sent.
            return valid ? WorkingHoursRow.WithoutTimes(input.Weekday!.Value) : null;
        }
        valid &= ParseTime(input.StartTime, prefix + "start_time", errors, out var start);
        valid &= ParseEnd(input.EndTime, prefix + "end_time", errors, out var end, out var endOfDay);
        return valid ? new WorkingHoursRow(input.Weekday!.Value, start, end, input.IsEnabled ?? true) { EndsAtEndOfDay = endOfDay } : null;
    }

    /// <summary>Parses one exception; problems go to <c>date</c>, <c>ranges[1].start_time</c>…; null when any.</summary>
    public static ScheduleException? ParseException(ExceptionInput? input, FieldErrors errors)
    {
        if (input is null)
        {
            errors.Add(WholeRequest, "The exception is missing.");
            return null;
        }
        var valid = true;
        if (input.Date is null)
        {
            errors.Add("date", "Give the date as YYYY-MM-DD.");
            valid = false;
        }
        else if (!WorkingHoursValidator.TryParseDate(input.Date, out _, out var dateError))
        {
            errors.Add("date", dateError);
            valid = false;
        }
        var ranges = new List<TimeRange>();
        var given = input.Ranges ?? [];
        if (given.Count > WorkingHoursValidator.MaxRangesPerException)
        {
            // Counted before parsing or comparing any of them (the overlap check compares every pair).
            errors.Add("ranges", $"An exception holds at most {WorkingHoursValidator.MaxRangesPerException} ranges; got {given.Count}.");
            return null;
        }
        for (var i = 0; i < given.Count; i++)
        {
            var field = $"ranges[{i}]";
            if (given[i] is not { } range)
            {
                errors.Add(field, "The range is missing.");
                valid = false;
                continue;
            }
            var rangeValid = ParseTime(range.StartTime, field + ".start_time", errors, out var start);
            rangeValid &= ParseEnd(range.EndTime, field + ".end_time", errors, out var end, out var endOfDay);
            if (rangeValid) ranges.Add(new TimeRange(start, end, endOfDay));
            valid &= rangeValid;
        }
        if (!valid) return null;
        WorkingHoursValidator.TryParseDate(input.Date, out var date, out _);
        var name = string.IsNullOrWhiteSpace(input.Name) ? null : input.Name.Trim();
        return new ScheduleException(date, input.IsClosed ?? false, ranges, name, input.RecurringAnnually ?? false);
    }

    /// <summary>
    /// Runs <see cref="WorkingHoursValidator.ValidateWeek"/> on the rows that parsed and reports under
    /// the indices the client sent (<paramref name="sentIndex"/>[i] for the i-th parsed row).
    /// </summary>
    public static void ValidateSentWeek(IReadOnlyList<WorkingHoursRow> parsed, IReadOnlyList<int> sentIndex, int sentCount, FieldErrors errors)
    {
        if (sentCount > WorkingHoursValidator.MaxRowsPerWeek)
        {
            errors.Add("rows", $"A week holds at most {WorkingHoursValidator.MaxRowsPerWeek} rows; got {sentCount}.");
        }
        foreach (var (field, messages) in WorkingHoursValidator.ValidateWeek(parsed))
        {
            if (field == "rows") continue; // counted on what was sent, above
            foreach (var message in messages)
            {
                errors.Add(RenameRows(field, i => $"rows[{sentIndex[i]}]"), RenameRows(message, i => $"rows[{sentIndex[i]}]"));
            }
        }
    }

    /// <summary>
    /// Validates a single row against the rest of its integration's week. The row is placed last, so
    /// the validator reports every overlap on it; its fields lose the <c>rows[i].</c> prefix, an
    /// overlap goes to <see cref="WholeRequest"/>, and the rows it overlaps are named by id.
    /// </summary>
    public static void ValidateRowInWeek(WorkingHoursRow row, IReadOnlyList<StoredRow> others, int integrationId, FieldErrors errors)
    {
        if (others.Count + 1 > WorkingHoursValidator.MaxRowsPerWeek)
        {
            errors.Add("integration",
                $"Integration {integrationId} already has {others.Count} rows, the most a week holds ({WorkingHoursValidator.MaxRowsPerWeek}). Delete or change one instead.");
            return;
        }
        List<WorkingHoursRow> week = [.. others.Select(o => o.Row), row];
        var self = $"rows[{others.Count}]";
        foreach (var (field, messages) in WorkingHoursValidator.ValidateWeek(week))
        {
            var key = field == self ? WholeRequest
                : field.StartsWith(self + ".", StringComparison.Ordinal) ? field[(self.Length + 1)..]
                : WholeRequest; // the stored week was valid, so nothing else can be reported
            foreach (var message in messages)
            {
                errors.Add(key, RenameRows(message, i => i < others.Count ? $"row {others[i].Id}" : "this row"));
            }
        }
    }

    /// <summary>Validates one new exception; the validator's <c>exceptions[0].</c> prefix is dropped.</summary>
    public static void ValidateException(ScheduleException exception, FieldErrors errors)
    {
        const string self = "exceptions[0]";
        foreach (var (field, messages) in WorkingHoursValidator.ValidateExceptions([exception]))
        {
            var key = field.StartsWith(self + ".", StringComparison.Ordinal) ? field[(self.Length + 1)..] : WholeRequest;
            foreach (var message in messages) errors.Add(key, message);
        }
    }

    private static bool ParseTime(string? text, string field, FieldErrors errors, out NodaTime.LocalTime time)
    {
        if (text is null)
        {
            errors.Add(field, "Give the time as HH:MM (only a disabled row may leave both times null).");
            time = default;
            return false;
        }
        if (WorkingHoursValidator.TryParseTime(text, out time, out var error)) return true;
        errors.Add(field, error);
        return false;
    }

    private static bool ParseEnd(string? text, string field, FieldErrors errors, out NodaTime.LocalTime time, out bool endOfDay)
    {
        endOfDay = text == EndOfDay;
        if (!endOfDay) return ParseTime(text, field, errors, out time);
        time = NodaTime.LocalTime.Midnight;
        return true;
    }

    private static string RenameRows(string text, Func<int, string> name) =>
        RowReference().Replace(text, m => name(int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"rows\[(\d+)\]")]
    private static partial Regex RowReference();
}
