using Spheres.Core.Embeddings;
using Spheres.Core.Notifications;

namespace Spheres.Core.Reviews;

/// <summary>A review to embed, with the rating its sentiment is weighed with.</summary>
internal sealed record ReviewText(string Id, string Text, int? Rating) : EmbeddingText(Id, Text);

/// <summary>Reviews as the embeddings queue sees them: each gets its vector together with its sentiment and aspects.</summary>
public sealed class ReviewEmbeddings(ReviewStore reviews, TenantVectorIndex index) : IEmbeddingSubject
{
    public string Kind => EmbeddingRequest.Review;

    public TenantDataChange Change => TenantDataChange.ReviewsAnalysed;

    public async Task<(IReadOnlyList<EmbeddingText> Pending, bool AlreadyDone)> PendingAsync(string tenantId, IReadOnlyList<string> ids, string modelId,
        CancellationToken cancellationToken)
    {
        var pending = new List<EmbeddingText>();
        var alreadyDone = false;
        foreach (var id in ids.Where(ReviewStore.IsValidId).Distinct())
        {
            if (await reviews.FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) is not { } review) continue;
            if (review.VectorModel != modelId) pending.Add(new ReviewText(review.Id, review.Text, review.Rating));
            else alreadyDone = true;
        }
        return (pending, alreadyDone);
    }

    public async Task<int> SaveAsync(string tenantId, IReadOnlyList<EmbeddingText> texts, float[][] vectors, string modelId, CancellationToken cancellationToken)
    {
        var saved = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var review = (ReviewText)texts[i];
            var (sentiment, aspects) = ReviewSentimentAnalyzer.Analyze(review.Text, review.Rating);
            if (await reviews.SaveAnalysisAsync(tenantId, review.Id, new ReviewAnalysis(sentiment, aspects, vectors[i], modelId), cancellationToken)
                    .ConfigureAwait(false)) saved++;
        }
        index.Invalidate(tenantId);
        return saved;
    }

    public IAsyncEnumerable<(string TenantId, string Id)> StaleAsync(string modelId, DateTimeOffset writtenBefore, CancellationToken cancellationToken) =>
        reviews.StaleAsync(modelId, writtenBefore, cancellationToken);
}
