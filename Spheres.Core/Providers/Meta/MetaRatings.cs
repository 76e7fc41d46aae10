using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Facebook Page ratings (<c>changes[].field == "ratings"</c> in a verified Meta <c>page</c> delivery), routed like the page's
/// Messenger messages. The rating's story id is the external id, so Meta's retries store it once. Only ratings that carry
/// text are read (a bare recommendation has nothing to analyse); removals and edits of a rating are not.
/// </summary>
public static class MetaRatings
{
    public const string Source = "facebook";

    /// <summary>
    /// The ratings with text in a page delivery. Each entry and each change is read on its own: one not in the documented
    /// shape (a number where an id belongs, a value that is not an object, a time out of range) is skipped, the others kept.
    /// </summary>
    public static IReadOnlyList<DeliveredRating> Parse(byte[] body)
    {
        var ratings = new List<DeliveredRating>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return ratings; // the messages' reader said what it could of this body
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "object") != "page"
                || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return ratings;
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || Text(entry, "id") is not { Length: > 0 } pageId
                    || !entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array) continue;
                foreach (var change in changes.EnumerateArray())
                {
                    if (change.ValueKind == JsonValueKind.Object && Text(change, "field") == "ratings" && change.TryGetProperty("value", out var value)
                        && Read(WebhookRoutes.AccountKey(MetaModule.Messenger, pageId), value) is { } rating)
                    {
                        ratings.Add(rating);
                    }
                }
            }
        }
        return ratings;
    }

    private static DeliveredRating? Read(string routeKey, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return null;
        if (Text(value, "verb") is not ("add" or null) || Text(value, "review_text")?.Trim() is not { Length: > 0 } text) return null;
        if (!value.TryGetProperty("created_time", out var created) || created.ValueKind != JsonValueKind.Number || !created.TryGetInt64(out var seconds)
            || seconds is < 0 or > MaxUnixSeconds) return null;
        var externalId = Text(value, "open_graph_story_id") ?? (Text(value, "reviewer_id") is { } reviewer ? $"{reviewer}:{seconds}" : null);
        if (externalId is null) return null;
        int? rating = value.TryGetProperty("rating", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var stars) && stars is >= 1 and <= 5
            ? stars : null;
        return new DeliveredRating(routeKey, Source, text, rating, Text(value, "reviewer_name"), externalId, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    /// <summary>9999-12-31: the last second <see cref="DateTimeOffset.FromUnixTimeSeconds"/> takes.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
