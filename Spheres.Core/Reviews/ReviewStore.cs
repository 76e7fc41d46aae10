using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Embeddings;
using Spheres.Core.Storage;

namespace Spheres.Core.Reviews;

/// <summary>
/// Reviews in the tenant's partition of <c>Reviews</c>. The id is the row key without its prefix:
/// the creation time counted down from the end of time, then random hex, so rows sort newest
/// first and a review is one point read. An imported review also has a marker row keyed by a hash
/// of <c>(source, external_id)</c>, inserted in the same transaction: a second import of it fails that insert.
/// </summary>
public sealed partial class ReviewStore(SpheresStorage storage)
{
    private const string ReviewPrefix = "r-";
    private const string MarkerPrefix = "x-";

    [GeneratedRegex("^[0-9]{19}[0-9a-f]{8}$")]
    private static partial Regex IdPattern();

    /// <summary>Ids come from outside (routes, cursors): only what this store could have made reaches a row key.</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    public static string NewId(DateTimeOffset createdAt) =>
        Inverted(createdAt) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Stores the review; null when its (source, external_id) is already stored.</summary>
    public async Task<Review?> TryAddAsync(Review review, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToRow(review)) };
        if (review.ExternalId is { } externalId)
        {
            actions.Add(new(TableTransactionActionType.Add,
                new TableEntity(review.TenantId, MarkerKey(review.Source, externalId)) { ["ReviewId"] = review.Id }));
        }
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return review;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex == 1)
        {
            return null;
        }
    }

    public async Task<Review?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ReviewPrefix + id, ReviewColumns, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Removes the review and its import marker together (so it may be imported again); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) is not { } review) return false;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(tenantId, ReviewPrefix + id), ETag.All) };
        if (review.ExternalId is { } externalId)
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(tenantId, MarkerKey(review.Source, externalId)), ETag.All));
        }
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            return false; // deleted by a concurrent request
        }
    }

    /// <summary>
    /// Newest first, after <paramref name="afterId"/>. The time window is a row-key range; sentiment and
    /// source are checked here, so one call reads at most <paramref name="scanLimit"/> rows however rare
    /// the filter's matches are. A page may then come back short; the returned id continues the scan.
    /// </summary>
    public async Task<(IReadOnlyList<Review> Page, string? NextAfterId)> ListAsync(
        string tenantId, ReviewFilter filter, int pageSize, string? afterId, CancellationToken cancellationToken, int scanLimit = 1000)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        // Newest first: `to` bounds the smallest key, `from` the largest.
        var lower = ReviewPrefix + (filter.To is { } to ? Inverted(to) : "");
        if (afterId is not null && string.CompareOrdinal(ReviewPrefix + afterId, lower) > 0) lower = ReviewPrefix + afterId;
        var upper = filter.From is { } from ? ReviewPrefix + Inverted(from) + "~" : "r.";
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {lower} and RowKey lt {upper}");

        var page = new List<Review>();
        var scanned = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(query, maxPerPage: 200, select: ReviewColumns, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            var review = FromRow(row);
            if ((filter.Sentiment is null || review.Sentiment?.Label == filter.Sentiment) && (filter.Source is null || review.Source == filter.Source))
            {
                if (page.Count == pageSize) return (page, page[^1].Id); // one more exists
                page.Add(review);
            }
            if (++scanned >= scanLimit) return (page, review.Id);
        }
        return (page, null);
    }

    /// <summary>Every review row of the tenant with a vector of <paramref name="modelId"/>: the search index's source.</summary>
    public async IAsyncEnumerable<(string Id, byte[] Vector)> VectorsAsync(
        string tenantId, string modelId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var query = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and RowKey gt {ReviewPrefix} and RowKey lt {"r."} and VectorModel eq {modelId}");
        await foreach (var row in table.QueryAsync<TableEntity>(query, select: ["RowKey", "Vector"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.GetBinary("Vector") is { } vector) yield return (row.RowKey[ReviewPrefix.Length..], vector);
        }
    }

    /// <summary>Writes the analysis onto the review; false when the review is gone (deleted meanwhile).</summary>
    public async Task<bool> SaveAnalysisAsync(string tenantId, string id, ReviewAnalysis analysis, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(tenantId, ReviewPrefix + id)
        {
            ["Sentiment"] = analysis.Sentiment.Label, ["SentimentScore"] = analysis.Sentiment.Score,
            ["Aspects"] = JsonSerializer.Serialize(analysis.Aspects.Select(a => new[] { a.Label, a.Sentiment })),
            ["Vector"] = VectorCodec.Encode(analysis.Vector), ["VectorModel"] = analysis.ModelId,
        };
        try
        {
            // If-Match *: merge only into a row that still exists, never resurrect a deleted review.
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Reviews in any tenant whose vector is missing or from another model, last written before
    /// <paramref name="writtenBefore"/> (younger ones still have their queue message on its way).
    /// </summary>
    public async IAsyncEnumerable<(string TenantId, string Id)> StaleAsync(
        string modelId, DateTimeOffset writtenBefore, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        // "VectorModel ne x" skips rows without the property, which are the ones most in need: filter here instead.
        var reviews = TableClient.CreateQueryFilter($"RowKey gt {ReviewPrefix} and RowKey lt {"r."} and Timestamp lt {writtenBefore}");
        await foreach (var row in table.QueryAsync<TableEntity>(reviews, select: ["PartitionKey", "RowKey", "VectorModel"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.GetString("VectorModel") != modelId) yield return (row.PartitionKey, row.RowKey[ReviewPrefix.Length..]);
        }
    }

    /// <summary>Everything of a review but its vector (1.8 KB a row that only search reads).</summary>
    private static readonly string[] ReviewColumns =
        ["PartitionKey", "RowKey", "Text", "Rating", "Author", "Source", "ExternalId", "CreatedAt", "Sentiment", "SentimentScore", "Aspects", "VectorModel"];

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Reviews, cancellationToken);

    private static string Inverted(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static string MarkerKey(string source, string externalId) =>
        MarkerPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source + "\n" + externalId))[..16]);

    private static TableEntity ToRow(Review r) => new(r.TenantId, ReviewPrefix + r.Id)
    {
        ["Text"] = r.Text, ["Rating"] = r.Rating, ["Author"] = r.Author, ["Source"] = r.Source, ["ExternalId"] = r.ExternalId,
        ["CreatedAt"] = r.CreatedAt,
    };

    private static Review FromRow(TableEntity e)
    {
        var sentiment = e.GetString("Sentiment") is { } label ? new ReviewSentiment(label, e.GetDouble("SentimentScore") ?? 0) : null;
        var aspects = e.GetString("Aspects") is { } json
            ? JsonSerializer.Deserialize<string[][]>(json)!.Select(a => new ReviewAspect(a[0], a[1])).ToList()
            : [];
        return new Review(e.PartitionKey, e.RowKey[ReviewPrefix.Length..], e.GetString("Text") ?? "", e.GetInt32("Rating"), e.GetString("Author"),
            e.GetString("Source") ?? ReviewFields.DefaultSource, e.GetString("ExternalId"), e.GetDateTimeOffset("CreatedAt") ?? default,
            sentiment, aspects)
        {
            VectorModel = e.GetString("VectorModel"),
        };
    }
}

public sealed record ReviewFilter(string? Sentiment, string? Source, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>What the analysis of one review found: its sentiment, aspects and vector, and which model made the vector.</summary>
public sealed record ReviewAnalysis(ReviewSentiment Sentiment, IReadOnlyList<ReviewAspect> Aspects, float[] Vector, string ModelId);
