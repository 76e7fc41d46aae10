using System.Text;
using Microsoft.AspNetCore.Http;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Functions.Http;

namespace Spheres.Functions.Reviews;

/// <summary>The query strings of the review list and search, checked before anything reaches storage.</summary>
public sealed record ReviewQuery(ReviewFilter Filter, int Limit, string? AfterId, string FiltersQueryString)
{
    public static ReviewQuery ReadList(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var again = new StringBuilder();
        string? Keep(string name)
        {
            var value = query[name].FirstOrDefault();
            // Given empty is a bad value, not an absent one (one rule for every query parameter).
            if (value is { Length: 0 }) errors.Add(name, "Give a value, or leave the parameter out.");
            if (!string.IsNullOrEmpty(value)) again.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            return string.IsNullOrEmpty(value) ? null : value;
        }
        var sentiment = Keep("sentiment");
        if (sentiment is not null && !ReviewSentiment.Labels.Contains(sentiment)) errors.Add("sentiment", "Give positive, neutral or negative.");
        var source = Keep("source");
        if (source is not null && (source.Length > 32 || !source.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_')))
            errors.Add("source", "Lower-case letters, digits, '-' and '_', at most 32.");
        var rawFrom = Keep("from");
        var from = rawFrom is null ? null : ReviewFields.ParseInstant(rawFrom, errors, "from");
        var rawTo = Keep("to");
        var to = rawTo is null ? null : ReviewFields.ParseInstant(rawTo, errors, "to");
        if (rawTo?.Length == 10 && to is { } day) to = day.AddDays(1).AddTicks(-1); // a date means the whole day
        if (from > to) errors.Add("from", "from is after to.");
        var limit = ReadLimit(query, errors, 50, 200);
        string? afterId = null;
        var cursor = query["cursor"].FirstOrDefault();
        if (cursor is { Length: 0 }) errors.Add("cursor", "Give a value, or leave the parameter out.");
        if (cursor is { Length: > 0 })
        {
            afterId = cursor.Length <= 64 ? OpaqueText.TryDecode(cursor) : null;
            if (afterId is null || !ReviewStore.IsValidId(afterId))
            {
                errors.Add("cursor", "Not a cursor this API gave out; start again without it.");
                afterId = null;
            }
        }
        errors.ThrowIfAny();
        return new ReviewQuery(new ReviewFilter(sentiment, source, from, to), limit, afterId, again.ToString());
    }

    public static (string Q, int Limit) ReadSearch(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var q = query["q"].FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(q)) errors.Add("q", "Say what to look for.");
        else if (q.Length > ReviewService.MaxSearchLength) errors.Add("q", $"At most {ReviewService.MaxSearchLength} characters.");
        var limit = ReadLimit(query, errors, 10, 50);
        errors.ThrowIfAny();
        return (q!, limit);
    }

    private static int ReadLimit(IQueryCollection query, FieldErrors errors, int defaultLimit, int max)
    {
        if (query["limit"].FirstOrDefault() is not { } raw) return defaultLimit;
        if (int.TryParse(raw, out var limit) && limit >= 1 && limit <= max) return limit;
        errors.Add("limit", $"Give a number from 1 to {max}.");
        return defaultLimit;
    }
}
