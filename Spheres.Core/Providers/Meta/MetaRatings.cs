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

    /// <summary>The ratings with text in a page delivery; anything not in the documented shape is skipped.</summary>
    public static IReadOnlyList<DeliveredRating> Parse(byte[] body)
    {
        var ratings = new List<DeliveredRating>();
        try
        {
            ReadRatings(body, ratings);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // The messages of the same delivery were read already; a rating in another shape is not ours to fail on.
        }
        return ratings;
    }

    private static void ReadRatings(byte[] body, List<DeliveredRating> ratings)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (!root.TryGetProperty("object", out var kind) || kind.GetString() != "page" || !root.TryGetProperty("entry", out var entries)) return;
        foreach (var entry in entries.EnumerateArray())
        {
            if (!entry.TryGetProperty("changes", out var changes) || entry.GetProperty("id").GetString() is not { Length: > 0 } pageId) continue;
            foreach (var change in changes.EnumerateArray())
            {
                if (change.TryGetProperty("field", out var field) && field.GetString() == "ratings" && change.TryGetProperty("value", out var value)
                    && Read(WebhookRoutes.AccountKey(MetaModule.Messenger, pageId), value) is { } rating)
                {
                    ratings.Add(rating);
                }
            }
        }
    }

    private static DeliveredRating? Read(string routeKey, JsonElement value)
    {
        string? Text(string name) => value.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (Text("verb") is not ("add" or null) || Text("review_text")?.Trim() is not { Length: > 0 } text) return null;
        if (!value.TryGetProperty("created_time", out var created) || !created.TryGetInt64(out var seconds)) return null;
        var externalId = Text("open_graph_story_id") ?? (Text("reviewer_id") is { } reviewer ? $"{reviewer}:{seconds}" : null);
        if (externalId is null) return null;
        int? rating = value.TryGetProperty("rating", out var r) && r.TryGetInt32(out var stars) && stars is >= 1 and <= 5 ? stars : null;
        return new DeliveredRating(routeKey, Source, text, rating, Text("reviewer_name"), externalId, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }
}
