using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.Reviews;

/// <summary>
/// Reads one review from a JSON object or a CSV record and checks every field, collecting all
/// errors by JSON name. JSON and CSV share the checks, so an import refuses exactly what a single POST refuses.
/// </summary>
public static partial class ReviewFields
{
    public const int MaxTextLength = 4000;
    public const int MaxAuthorLength = 200;
    public const int MaxExternalIdLength = 200;
    public const string DefaultSource = "manual";
    public static readonly IReadOnlyList<string> Names = ["text", "rating", "author", "source", "external_id", "created_at"];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex SourcePattern();

    /// <summary>A JSON value (one POST body, or one element of an import array).</summary>
    public static ReviewInput FromJson(JsonElement item, FieldErrors errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Each review must be a JSON object.");
            return new ReviewInput(null, null, null, null, null, null);
        }
        // At most five unknown names per review: the error list stays small whatever the body holds.
        foreach (var unknown in item.EnumerateObject().Select(p => p.Name).Where(n => !Names.Contains(n)).Distinct().Take(5))
        {
            errors.Add(unknown.Length > 64 ? unknown[..64] : unknown, $"Unknown field; a review has {string.Join(", ", Names)}.");
        }
        var text = JsonString(item, "text", errors);
        int? rating = null;
        if (item.TryGetProperty("rating", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var value)) rating = value;
            else if (r.ValueKind == JsonValueKind.String && int.TryParse(r.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) rating = parsed;
            else errors.Add("rating", "Give a whole number from 1 to 5.");
        }
        DateTimeOffset? createdAt = null;
        if (JsonString(item, "created_at", errors) is { } rawCreated) createdAt = ParseInstant(rawCreated, errors);
        return Check(new ReviewInput(text, rating, JsonString(item, "author", errors), JsonString(item, "source", errors),
            JsonString(item, "external_id", errors), createdAt), errors);
    }

    /// <summary>A CSV record keyed by its header; empty cells count as absent.</summary>
    public static ReviewInput FromCsv(IReadOnlyDictionary<string, string> record, FieldErrors errors)
    {
        string? Cell(string name) => record.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        int? rating = null;
        if (Cell("rating") is { } rawRating)
        {
            if (int.TryParse(rawRating.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) rating = parsed;
            else errors.Add("rating", "Give a whole number from 1 to 5.");
        }
        var createdAt = Cell("created_at") is { } rawCreated ? ParseCsvDate(rawCreated.Trim(), errors) : null;
        return Check(new ReviewInput(Cell("text"), rating, Cell("author"), Cell("source")?.Trim(), Cell("external_id")?.Trim(), createdAt), errors);
    }

    private static ReviewInput Check(ReviewInput input, FieldErrors errors)
    {
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text)) errors.Add("text", "The review text is required.");
        else if (text.Length > MaxTextLength) errors.Add("text", $"At most {MaxTextLength} characters.");
        if (input.Rating is < 1 or > 5) errors.Add("rating", "Give a whole number from 1 to 5.");
        var author = string.IsNullOrWhiteSpace(input.Author) ? null : input.Author.Trim();
        if (author?.Length > MaxAuthorLength) errors.Add("author", $"At most {MaxAuthorLength} characters.");
        var source = string.IsNullOrWhiteSpace(input.Source) ? DefaultSource : input.Source;
        if (!SourcePattern().IsMatch(source)) errors.Add("source", "Lower-case letters, digits, '-' and '_', at most 32 (for example manual, google, facebook).");
        var externalId = string.IsNullOrWhiteSpace(input.ExternalId) ? null : input.ExternalId;
        if (externalId?.Length > MaxExternalIdLength) errors.Add("external_id", $"At most {MaxExternalIdLength} characters.");
        return new ReviewInput(text, input.Rating, author, source, externalId, input.CreatedAt);
    }

    private static string? JsonString(JsonElement item, string name, FieldErrors errors)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (name == "external_id" && value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var id)) return id.ToString(CultureInfo.InvariantCulture); // platforms' numeric ids
            errors.Add(name, "This field must be a string or a whole number.");
            return null;
        }
        errors.Add(name, "This field must be a string.");
        return null;
    }

    /// <summary>A CSV cell: what JSON takes, or a date as Excel writes it in uk, ru and pl locales (<c>01.02.2026</c>, day first).</summary>
    private static DateTimeOffset? ParseCsvDate(string raw, FieldErrors errors) =>
        raw.Length == 10 && DateOnly.TryParseExact(raw, "dd.MM.yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : ParseInstant(raw, errors);

    /// <summary>An ISO 8601 instant with offset, or a date (read as midnight UTC).</summary>
    public static DateTimeOffset? ParseInstant(string raw, FieldErrors errors, string field = "created_at")
    {
        if (raw.Length == 10 && DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (raw.Length <= 40 && raw.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (raw.EndsWith('Z') || raw.Contains('+', StringComparison.Ordinal) || raw.LastIndexOf('-') > 10))
            return instant.ToUniversalTime();
        errors.Add(field, "Give an ISO 8601 instant with offset (2026-05-01T14:30:00+03:00) or a date (2026-05-01).");
        return null;
    }
}
