using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// Checks what a client sends before it is stored. Errors come back as <c>field -> messages</c>
/// (empty when valid), with fields that name the offending item by its index in the input, e.g.
/// <c>rows[3].end_time</c>, or <c>rows[3]</c> for an overlap with another row.
/// </summary>
public static partial class WorkingHoursValidator
{
    public const int MaxRowsPerWeek = 28;

    private const int MinutesPerDay = TimeRange.MinutesPerDay;
    private const int MinutesPerWeek = 7 * MinutesPerDay;

    /// <summary>
    /// Validates a whole week of one integration: weekday 0–6, whole-minute times, start ≠ end,
    /// at most <see cref="MaxRowsPerWeek"/> rows, and no two enabled rows overlapping. An overnight
    /// row occupies the next day's early hours too; Sunday's spills into Monday. Disabled rows may
    /// overlap anything, since they never open.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ValidateWeek(IReadOnlyList<WorkingHoursRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var errors = new ValidationErrors();
        if (rows.Count > MaxRowsPerWeek)
        {
            errors.Add("rows", $"A week holds at most {MaxRowsPerWeek} rows; got {rows.Count}.");
            return errors.ToDictionary(); // comparing every pair of an oversized week is the work to refuse
        }

        // Enabled, well-formed rows as [start, end) minutes from Monday 00:00; end may pass Sunday midnight.
        var placed = new List<(int Index, int Start, int End)>();
        for (int i = 0; i < rows.Count; i++)
        {
            string field = $"rows[{i}]";
            WorkingHoursRow? row = rows[i];
            if (row is null)
            {
                errors.Add(field, "The row is missing.");
                continue;
            }

            bool wellFormed = true;
            if (row.Weekday is < 0 or > 6)
            {
                errors.Add($"{field}.weekday", $"Weekday must be 0 (Monday) to 6 (Sunday); got {row.Weekday}.");
                wellFormed = false;
            }
            wellFormed &= CheckRange(errors, field, row.Range);
            if (!wellFormed || !row.IsEnabled)
                continue;

            int start = row.Weekday * MinutesPerDay + row.Range.StartMinute;
            int end = row.Weekday * MinutesPerDay + row.Range.EndMinute;
            foreach (var other in placed)
            {
                if (WeekOverlap(start, end, other.Start, other.End) is var (from, to))
                    errors.Add(field, $"Overlaps rows[{other.Index}] ({rows[other.Index]}) on {DescribeWeekSpan(from, to)}.");
            }
            placed.Add((i, start, end));
        }
        return errors.ToDictionary();
    }

    /// <summary>
    /// Parses the API's time notation: exactly "HH:MM", 24-hour, two ASCII digits each, hours 00–23,
    /// minutes 00–59. "24:00" is not a time of day: an end time may be "24:00" (<see cref="TimeText.ParseEnd"/>).
    /// </summary>
    public static bool TryParseTime(string? text, out LocalTime time, [NotNullWhen(false)] out string? error)
    {
        time = default;
        if (text is not { Length: 5 } || text[2] != ':' ||
            !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1]) ||
            !char.IsAsciiDigit(text[3]) || !char.IsAsciiDigit(text[4]))
        {
            error = $"Expected a time as HH:MM (24-hour, two digits each, e.g. 09:00); got {Quote(text)}.";
            return false;
        }

        int hour = (text[0] - '0') * 10 + (text[1] - '0');
        int minute = (text[3] - '0') * 10 + (text[4] - '0');
        if (hour > 23)
        {
            error = $"Hour must be 00 to 23 (an end time may be 24:00, the end of the day); got {Quote(text)}.";
            return false;
        }
        if (minute > 59)
        {
            error = $"Minutes must be 00 to 59; got {Quote(text)}.";
            return false;
        }

        time = new LocalTime(hour, minute);
        error = null;
        return true;
    }

    /// <summary>Start ≠ end and both whole minutes; errors go to <c>{field}.start_time</c>/<c>.end_time</c>.</summary>
    private static bool CheckRange(ValidationErrors errors, string field, TimeRange range)
    {
        bool valid = true;
        if (!TimeRange.IsWholeMinute(range.Start))
        {
            errors.Add($"{field}.start_time", "Start time must be a whole minute (HH:MM).");
            valid = false;
        }
        if (!TimeRange.IsWholeMinute(range.End))
        {
            errors.Add($"{field}.end_time", "End time must be a whole minute (HH:MM).");
            valid = false;
        }
        if (valid && range.Start == range.End && !range.IsWholeDay)
        {
            errors.Add($"{field}.end_time",
                $"End time must differ from start time ({TimeText.Format(range.Start)}); a range cannot be empty (a whole day is 00:00–24:00).");
            valid = false;
        }
        return valid;
    }

    /// <summary>The shared part of two week spans, trying the wrap over Sunday midnight both ways.</summary>
    private static (int From, int To)? WeekOverlap(int start, int end, int otherStart, int otherEnd)
    {
        foreach (int shift in (ReadOnlySpan<int>)[0, MinutesPerWeek, -MinutesPerWeek])
        {
            int from = Math.Max(start, otherStart + shift);
            int to = Math.Min(end, otherEnd + shift);
            if (from < to)
            {
                int normalized = ((from % MinutesPerWeek) + MinutesPerWeek) % MinutesPerWeek;
                return (normalized, normalized + (to - from));
            }
        }
        return null;
    }

    /// <summary>"Tuesday 01:00-02:00", or "Monday 23:00 to Tuesday 01:00" across midnight.</summary>
    private static string DescribeWeekSpan(int from, int to)
    {
        int endOfFromDay = (from / MinutesPerDay + 1) * MinutesPerDay;
        return to <= endOfFromDay
            ? $"{TimeText.FormatMinuteOfWeek(from)}-{TimeText.FormatMinute(to % MinutesPerDay)}"
            : $"{TimeText.FormatMinuteOfWeek(from)} to {TimeText.FormatMinuteOfWeek(to)}";
    }

    private static string Quote(string? text) => text switch
    {
        null => "nothing",
        { Length: > 20 } => $"\"{text[..20]}…\"",
        _ => $"\"{text}\"",
    };
}
