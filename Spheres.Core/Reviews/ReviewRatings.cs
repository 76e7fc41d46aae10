using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Embeddings;
using Spheres.Core.Integrations;
using Spheres.Core.Plans;
using Spheres.Core.Providers;

namespace Spheres.Core.Reviews;

/// <summary>
/// Public ratings a provider delivers with their text (Facebook Page ratings) become reviews of the tenant whose
/// integration routes the rated account, when its plan has reviews. The provider's id of the rating is the external id,
/// so a provider's retries store it once. Text, external ids and authors beyond a review's limits are not stored.
/// </summary>
public sealed class ReviewRatings(
    IntegrationCache cache, ProfileCache profiles, ReviewStore store, ReviewQuota quota, EmbeddingQueue queue, ILogger<ReviewRatings> logger)
{
    /// <summary>Stores the delivery's new ratings; returns how many were stored (duplicates and refusals are not).</summary>
    public async Task<int> ReceiveAsync(IReadOnlyList<DeliveredRating> ratings, CancellationToken cancellationToken)
    {
        var stored = 0;
        foreach (var rating in ratings)
        {
            if (rating.Text.Length > ReviewFields.MaxTextLength || rating.ExternalId.Length > ReviewFields.MaxExternalIdLength) continue;
            var route = await cache.RouteAsync(rating.RouteKey, cancellationToken).ConfigureAwait(false);
            var profile = route is null ? null : await profiles.FindAsync(route.TenantId, cancellationToken).ConfigureAwait(false);
            if (route is null || profile is null || !PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics))
            {
                logger.LogInformation("Rating for {RouteKey} not stored: no tenant with reviews routes that account", rating.RouteKey);
                continue;
            }
            var author = rating.Author is { } name ? name[..Math.Min(name.Length, ReviewFields.MaxAuthorLength)] : null;
            var review = new Review(route.TenantId, ReviewStore.NewId(rating.CreatedAt), rating.Text, rating.Rating, author, rating.Source, rating.ExternalId,
                rating.CreatedAt, null, []);
            try
            {
                await quota.ReserveReviewsAsync(route.TenantId, Plan.FromStored(profile.Plan), 1, cancellationToken).ConfigureAwait(false);
            }
            catch (Problems.ProblemException e) when (e.Status == 403)
            {
                logger.LogInformation("Rating for {RouteKey} not stored: the tenant's plan stores no more reviews", rating.RouteKey);
                continue;
            }
            if (await store.TryAddAsync(review, cancellationToken).ConfigureAwait(false) is null)
            {
                await quota.ReleaseReviewsAsync(route.TenantId, 1).ConfigureAwait(false);
                continue; // the provider's retry
            }
            await queue.EnqueueAsync(EmbeddingRequest.Review, route.TenantId, [review.Id], cancellationToken).ConfigureAwait(false);
            stored++;
        }
        return stored;
    }
}
