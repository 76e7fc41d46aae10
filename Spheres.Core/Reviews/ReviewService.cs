using Spheres.Core.Accounts;
using Spheres.Core.Embeddings;
using Spheres.Core.Notifications;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.Reviews;

/// <summary>An import under way: its slot on this instance (dispose when done) and the plan it is bounded by.</summary>
public sealed class ImportTicket(IDisposable slot, Plan plan) : IDisposable
{
    public Plan Plan { get; } = plan;

    public void Dispose() => slot.Dispose();
}

/// <summary>
/// The reviews API's rules: every call needs a plan with analytics (403 <c>plan-required</c>), the
/// tenant comes from the caller, and a stored review is queued for embedding and sentiment at once,
/// so the answer never waits for the model. What a tenant makes the background do is bounded by its plan
/// (<see cref="ReviewQuota"/>): reviews stored, imports per hour, one import at a time.
/// </summary>
public sealed class ReviewService(
    ReviewStore store, ProfileService profiles, EmbeddingQueue queue, EmbeddingModel model, TenantVectorIndex index, ITenantDataChanged changes,
    ReviewQuota quota, TimeProvider time)
{
    public const int MaxSearchLength = 500;

    public async Task<Plan> RequirePlanAsync(Caller caller, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        RequirePlan(profile);
        return Plan.FromStored(profile.Plan);
    }

    /// <summary>
    /// Before an import's body is read: the plan, this tenant's one import at a time (429), and its imports per hour (429
    /// with Retry-After). Dispose the ticket when the import is done.
    /// </summary>
    public async Task<ImportTicket> BeginImportAsync(Caller caller, CancellationToken cancellationToken)
    {
        var plan = await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        var slot = quota.EnterImport(caller.TenantId);
        try
        {
            await quota.ReserveImportAsync(caller.TenantId, plan, cancellationToken).ConfigureAwait(false);
            return new ImportTicket(slot, plan);
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>Reviews and analytics share one plan gate: 403 <c>plan-required</c> below professional.</summary>
    public static void RequirePlan(TenantProfile profile)
    {
        if (!PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics))
        {
            throw PlanPolicy.PlanRequired("Reviews, embeddings and analytics", PlanPolicy.Cheapest(PlanFeature.Analytics));
        }
    }

    /// <summary>Stores one checked review; 409 when its (source, external_id) is already stored.</summary>
    public async Task<Review> CreateAsync(Caller caller, ReviewInput input, CancellationToken cancellationToken)
    {
        var plan = await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        await quota.ReserveReviewsAsync(caller.TenantId, plan, 1, cancellationToken).ConfigureAwait(false);
        Review? review = null;
        try
        {
            review = await store.TryAddAsync(NewReview(caller.TenantId, input), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (review is null) await quota.ReleaseReviewsAsync(caller.TenantId, 1).ConfigureAwait(false);
        }
        if (review is null) throw ProblemException.Conflict($"A review from '{input.Source}' with external_id '{input.ExternalId}' is already stored.");
        await queue.EnqueueAsync(EmbeddingRequest.Review, caller.TenantId, [review.Id], cancellationToken).ConfigureAwait(false);
        return review;
    }

    /// <summary>
    /// Stores the valid rows (the caller checked them; <paramref name="rejected"/> are the others), counting those already
    /// stored as duplicates. Room for all of them is reserved first (403 <c>review-limit</c> past the plan's), and what
    /// duplicates did not use is given back.
    /// </summary>
    public async Task<ImportResult> ImportAsync(Caller caller, ImportTicket ticket,
        IReadOnlyList<(int Index, ReviewInput Input)> valid, IReadOnlyList<RejectedRow> rejected, CancellationToken cancellationToken)
    {
        await quota.ReserveReviewsAsync(caller.TenantId, ticket.Plan, valid.Count, cancellationToken).ConfigureAwait(false);
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        var duplicates = 0;
        try
        {
            await Parallel.ForEachAsync(valid, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (row, ct) =>
            {
                if (await store.TryAddAsync(NewReview(caller.TenantId, row.Input), ct).ConfigureAwait(false) is { } review) created.Add(review.Id);
                else Interlocked.Increment(ref duplicates);
            }).ConfigureAwait(false);
        }
        finally
        {
            await quota.ReleaseReviewsAsync(caller.TenantId, valid.Count - created.Count).ConfigureAwait(false);
        }
        await queue.EnqueueAsync(EmbeddingRequest.Review, caller.TenantId, [.. created], cancellationToken).ConfigureAwait(false);
        return new ImportResult(created.Count, duplicates, rejected);
    }

    public async Task<Review> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        return await store.FindAsync(caller.TenantId, id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound($"You have no review {id}.");
    }

    public async Task DeleteAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        if (!await store.DeleteAsync(caller.TenantId, id, cancellationToken).ConfigureAwait(false))
            throw ProblemException.NotFound($"You have no review {id}.");
        await quota.ReleaseReviewsAsync(caller.TenantId, 1).ConfigureAwait(false);
        index.Invalidate(caller.TenantId);
        await changes.OnChangedAsync(caller.TenantId, TenantDataChange.ReviewDeleted, CancellationToken.None).ConfigureAwait(false);
    }

    public async Task<(IReadOnlyList<Review> Page, string? NextAfterId)> ListAsync(
        Caller caller, ReviewFilter filter, int limit, string? afterId, CancellationToken cancellationToken)
    {
        await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        return await store.ListAsync(caller.TenantId, filter, limit, afterId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reviews nearest in meaning to <paramref name="query"/>, best first (analysed reviews only).</summary>
    public async Task<IReadOnlyList<(Review Review, double Score)>> SearchAsync(Caller caller, string query, int limit, CancellationToken cancellationToken)
    {
        await RequirePlanAsync(caller, cancellationToken).ConfigureAwait(false);
        var vector = (await model.EmbedAsync([query], cancellationToken).ConfigureAwait(false))[0];
        var nearest = await index.NearestAsync(caller.TenantId, vector, limit, cancellationToken).ConfigureAwait(false);
        var found = await Task.WhenAll(nearest.Select(async n => (Review: await store.FindAsync(caller.TenantId, n.Id, cancellationToken).ConfigureAwait(false), n.Score)))
            .ConfigureAwait(false);
        return found.Where(f => f.Review is not null).Select(f => (f.Review!, f.Score)).ToList(); // deleted since the index was read
    }

    private Review NewReview(string tenantId, ReviewInput input)
    {
        var createdAt = input.CreatedAt ?? time.GetUtcNow();
        return new Review(tenantId, ReviewStore.NewId(createdAt), input.Text!, input.Rating, input.Author, input.Source ?? ReviewFields.DefaultSource,
            input.ExternalId, createdAt, null, []);
    }
}
