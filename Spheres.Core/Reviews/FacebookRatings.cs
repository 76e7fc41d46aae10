using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spheres.Core.Embeddings;
using Spheres.Core.Plans;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Reviews;

/// <summary>
/// Facebook Page ratings (<c>changes[].field == "ratings"</c> in a verified Meta <c>page</c> delivery)
/// become reviews with <c>source: "facebook"</c> of the tenant whose Messenger integration routes that
/// page, when its plan has reviews. The rating's story id is the external id, so Meta's retries store it
/// once. Only ratings that carry text are stored (a bare recommendation has nothing to analyse); removals
/// and edits of a stored rating are not applied.
/// </summary>
public sealed class FacebookRatings(IntegrationDirectory directory, ReviewStore store, EmbeddingQueue queue, ILogger<FacebookRatings> logger)
{
    public const string Source = "facebook";

    /// <summary>Stores the delivery's new ratings; returns how many were stored (duplicates and refusals are not).</summary>
    public async Task<int> ReceiveAsync(byte[] verifiedBody, CancellationToken cancellationToken)
    {
        var stored = 0;
        foreach (var (pageId, input) in Parse(verifiedBody))
        {
            var route = await directory.RouteAsync(WebhookRoutes.AccountKey("facebook-messenger", pageId), cancellationToken).ConfigureAwait(false);
            var profile = route is null ? null : await directory.ProfileAsync(route.TenantId, cancellationToken).ConfigureAwait(false);
            if (route is null || profile is null || !PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics))
            {
                logger.LogInformation("Facebook rating for page {PageId} not stored: no tenant with reviews routes that page", pageId);
                continue;
            }
            var createdAt = input.CreatedAt!.Value;
            var review = new Review(route.TenantId, ReviewStore.NewId(createdAt), input.Text!, input.Rating, input.Author, Source, input.ExternalId,
                createdAt, null, []);
            if (await store.TryAddAsync(review, cancellationToken).ConfigureAwait(false) is null) continue; // Meta's retry
            await queue.EnqueueAsync(EmbeddingRequest.Review, route.TenantId, [review.Id], cancellationToken).ConfigureAwait(false);
            stored++;
        }
        return stored;
    }

    /// <summary>The ratings with text in a page delivery, by page id; anything not in the documented shape is skipped.</summary>
    public static IReadOnlyList<(string PageId, ReviewInput Input)> Parse(byte[] body)
    {
        var ratings = new List<(string, ReviewInput)>();
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

    private static void ReadRatings(byte[] body, List<(string, ReviewInput)> ratings)
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
                    && ToInput(value) is { } input)
                {
                    ratings.Add((pageId, input));
                }
            }
        }
    }

    private static ReviewInput? ToInput(JsonElement value)
    {
        string? Text(string name) => value.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (Text("verb") is not ("add" or null) || Text("review_text")?.Trim() is not { Length: > 0 and <= ReviewFields.MaxTextLength } text) return null;
        if (!value.TryGetProperty("created_time", out var created) || !created.TryGetInt64(out var seconds)) return null;
        var externalId = Text("open_graph_story_id") ?? (Text("reviewer_id") is { } reviewer ? $"{reviewer}:{seconds}" : null);
        if (externalId is null || externalId.Length > ReviewFields.MaxExternalIdLength) return null;
        int? rating = value.TryGetProperty("rating", out var r) && r.TryGetInt32(out var stars) && stars is >= 1 and <= 5 ? stars : null;
        var author = Text("reviewer_name") is { } name ? name[..Math.Min(name.Length, ReviewFields.MaxAuthorLength)] : null;
        return new ReviewInput(text, rating, author, Source, externalId, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }
}
