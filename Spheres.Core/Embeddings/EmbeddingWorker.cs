using Microsoft.Extensions.Logging;
using Spheres.Core.Analytics;
using Spheres.Core.Messaging;
using Spheres.Core.Plans;
using Spheres.Core.Reviews;
using Spheres.Core.Reviews.Sentiment;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Embeddings;

/// <summary>
/// Handles one <see cref="EmbeddingRequest"/>: embeds the texts the current model has not embedded
/// yet in one batch and stores each vector with the model's id; reviews also get their sentiment and
/// aspects. Redelivery is harmless: rows already done by this model are skipped, deleted rows ignored.
/// Messages are embedded for analytics only, so only for tenants whose plan has it; once they have vectors, the
/// tenant's cached analytics are marked stale and the default period's top questions are recomputed here, off the request path.
/// </summary>
public sealed class EmbeddingWorker(
    ReviewStore reviews, MessageStore messages, EmbeddingModel model, TenantVectorIndex index, IntegrationDirectory directory,
    AnalyticsCache analyticsCache, AnalyticsService analytics, ILogger<EmbeddingWorker> logger)
{
    /// <summary>Returns how many texts were embedded.</summary>
    public async Task<int> HandleAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var done = request.Kind == EmbeddingRequest.Review
            ? await EmbedReviewsAsync(request.TenantId, request.Ids, cancellationToken).ConfigureAwait(false)
            : await EmbedMessagesAsync(request.TenantId, request.Ids, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Embedded {Count} of {Requested} {Kind} texts with {Model}", done, request.Ids.Count, request.Kind, model.ModelId);
        return done;
    }

    private async Task<int> EmbedReviewsAsync(string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var pending = new List<Review>();
        var alreadyAnalysed = false;
        foreach (var id in ids.Where(ReviewStore.IsValidId).Distinct())
        {
            if (await reviews.FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) is not { } review) continue;
            if (review.VectorModel != model.ModelId) pending.Add(review);
            else alreadyAnalysed = true;
        }
        if (pending.Count == 0)
        {
            // As for messages: a redelivery after the analysis was saved but before the stamp was.
            if (alreadyAnalysed) await RefreshAnalyticsOfAsync(tenantId, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var vectors = await model.EmbedAsync(pending.Select(r => r.Text).ToList(), cancellationToken).ConfigureAwait(false);
        var saved = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var (sentiment, aspects) = ReviewSentimentAnalyzer.Analyze(pending[i].Text, pending[i].Rating);
            if (await reviews.SaveAnalysisAsync(tenantId, pending[i].Id, new ReviewAnalysis(sentiment, aspects, vectors[i], model.ModelId), cancellationToken)
                    .ConfigureAwait(false)) saved++;
        }
        index.Invalidate(tenantId);
        if (saved > 0) await RefreshAnalyticsOfAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return saved;
    }

    private async Task RefreshAnalyticsOfAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (await directory.ProfileAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } profile)
            await RefreshAnalyticsAsync(profile, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> EmbedMessagesAsync(string tenantId, IReadOnlyList<string> rowKeys, CancellationToken cancellationToken)
    {
        var profile = await directory.ProfileAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (profile is null || !PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics)) return 0;
        var pending = new List<(string RowKey, string Text)>();
        var alreadyEmbedded = false;
        foreach (var rowKey in rowKeys.Distinct())
        {
            if (await messages.FindTextAsync(tenantId, rowKey, cancellationToken).ConfigureAwait(false) is not { } found) continue;
            if (found.VectorModel != model.ModelId) pending.Add((rowKey, found.Text));
            else alreadyEmbedded = true;
        }
        if (pending.Count == 0)
        {
            // A redelivery after the vectors were saved but before the stamp was: touch it now, or the cache would miss them.
            if (alreadyEmbedded) await RefreshAnalyticsAsync(profile, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var vectors = await model.EmbedAsync(pending.Select(p => p.Text).ToList(), cancellationToken).ConfigureAwait(false);
        var saved = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (await messages.SaveVectorAsync(tenantId, pending[i].RowKey, VectorCodec.Encode(vectors[i]), model.ModelId, cancellationToken).ConfigureAwait(false))
                saved++;
        }
        if (saved > 0) await RefreshAnalyticsAsync(profile, cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>
    /// After the vectors (or a review's analysis) are stored (the stamp must change after the data does). A failed touch fails the queue message, whose
    /// redelivery touches again; a failed recomputation is only logged (the next request computes).
    /// </summary>
    private async Task RefreshAnalyticsAsync(Accounts.TenantProfile profile, CancellationToken cancellationToken)
    {
        await analyticsCache.TouchAsync(profile.TenantId, cancellationToken).ConfigureAwait(false);
        try
        {
            await analytics.RefreshAsync(profile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Analytics of tenant {TenantId} not refreshed ({Error}); the next request computes them", profile.TenantId, e.GetType().Name);
        }
    }
}
