using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Spheres.Core.WorkingHours;

public static partial class WorkingHoursValidator
{
    public const int MaxExceptionNameLength = 100;

    /// <summary>A day with more separate opening ranges than this is not a schedule; it also keeps a stored exception small.</summary>
    public const int MaxRangesPerException = 24;

    /// <summary>
    /// Validates the exceptions of one integration: ISO dates, one exception per date (and per
    /// month/day among recurring ones), a closed day without ranges, an open day with at least one
    /// range, well-formed ranges that do not overlap each other (an overnight range occupies the next
    /// morning). A dated exception may share its month/day with a recurring one: the dated one wins.
    /// Fields look like <c>exceptions[2].ranges[1].end_time</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ValidateExceptions(IReadOnlyList<ScheduleException> exceptions)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        var errors = new ValidationErrors();
        var datedIndex = new Dictionary<LocalDate, int>();
        var recurringIndex = new Dictionary<(int Month, int Day), int>();

        for (int i = 0; i < exceptions.Count; i++)
        {
            string field = $"exceptions[{i}]";
            ScheduleException? exception = exceptions[i];
            if (exception is null)
            {
                errors.Add(field, "The exception is missing.");
                continue;
            }

            CheckDate(errors, field, i, exception, datedIndex, recurringIndex);
            if (exception.Name is { Length: > MaxExceptionNameLength })
                errors.Add($"{field}.name", $"Name must be at most {MaxExceptionNameLength} characters.");
            CheckRanges(errors, field, exception);
        }
        return errors.ToDictionary();
    }

    /// <summary>Parses an ISO date "YYYY-MM-DD" (four-digit year).</summary>
    public static bool TryParseDate(string? text, out LocalDate date, [NotNullWhen(false)] out string? error)
    {
        ParseResult<LocalDate> result = LocalDatePattern.Iso.Parse(text ?? "");
        if (text is { Length: 10 } && result.Success)
        {
            date = result.Value;
            error = null;
            return true;
        }
        date = default;
        error = $"Expected a date as YYYY-MM-DD; got {Quote(text)}.";
        return false;
    }

    private static void CheckDate(
        ValidationErrors errors, string field, int index, ScheduleException exception,
        Dictionary<LocalDate, int> datedIndex, Dictionary<(int Month, int Day), int> recurringIndex)
    {
        LocalDate date = exception.Date;
        if (date.Calendar != CalendarSystem.Iso)
        {
            errors.Add($"{field}.date", "Date must be in the ISO calendar.");
            return;
        }

        if (exception.RecurringAnnually)
        {
            if (recurringIndex.TryGetValue((date.Month, date.Day), out int earlier))
                errors.Add($"{field}.date",
                    $"exceptions[{earlier}] already recurs on {date.ToString("MMMM d", CultureInfo.InvariantCulture)} every year; keep one of them.");
            else
                recurringIndex[(date.Month, date.Day)] = index;
        }
        else if (datedIndex.TryGetValue(date, out int earlier))
        {
            errors.Add($"{field}.date", $"exceptions[{earlier}] is already on {date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)}; keep one of them.");
        }
        else
        {
            datedIndex[date] = index;
        }
    }

    private static void CheckRanges(ValidationErrors errors, string field, ScheduleException exception)
    {
        IReadOnlyList<TimeRange> ranges = exception.Ranges ?? [];
        if (ranges.Count > MaxRangesPerException)
        {
            errors.Add($"{field}.ranges", $"An exception holds at most {MaxRangesPerException} ranges; got {ranges.Count}.");
            return;
        }
        if (exception.IsClosed && ranges.Count > 0)
            errors.Add($"{field}.ranges", "A closed day has no ranges: clear is_closed or remove the ranges.");
        else if (!exception.IsClosed && ranges.Count == 0)
            errors.Add($"{field}.ranges", "Give at least one range, or set is_closed for a day off.");

        // Ranges as [start, end) minutes from the exception day's midnight; overnight ones pass 24:00.
        var placed = new List<(int Index, int Start, int End)>();
        for (int k = 0; k < ranges.Count; k++)
        {
            string rangeField = $"{field}.ranges[{k}]";
            TimeRange range = ranges[k];
            if (!CheckRange(errors, rangeField, range))
                continue;
            foreach (var other in placed)
            {
                int from = Math.Max(range.StartMinute, other.Start);
                int to = Math.Min(range.EndMinute, other.End);
                if (from < to)
                    errors.Add(rangeField, $"Overlaps ranges[{other.Index}] ({ranges[other.Index]}) at {DescribeDaySpan(from, to)}.");
            }
            placed.Add((k, range.StartMinute, range.EndMinute));
        }
    }

    private static string DescribeDaySpan(int from, int to) =>
        $"{TimeText.FormatMinute(from % MinutesPerDay)}-{TimeText.FormatMinute(to % MinutesPerDay)}" +
        (from >= MinutesPerDay ? " of the next day" : "");
}
