using Microsoft.Extensions.Logging;
using Spheres.Core.Messaging;
using Spheres.Core.Plans;
using Spheres.Core.Reviews;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Embeddings;

/// <summary>
/// The background half of "a vector is stored with the model that made it": finds reviews and recent
/// inbound messages whose vector is missing (an enqueue lost after the row was written) or from another
/// model (the configured model changed) and queues them for embedding (messages only of tenants whose plan has analytics). Rows written in the last
/// <see cref="Grace"/> are left to the queue message already on its way. Bounded per run; the next run continues.
/// </summary>
public sealed class EmbeddingRefresh(
    ReviewStore reviews, MessageStore messages, EmbeddingQueue queue, EmbeddingModel model, IntegrationDirectory directory, TimeProvider time,
    ILogger<EmbeddingRefresh> logger)
{
    public const int MaxPerRun = 20_000;
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>Messages older than this are not re-embedded: analytics looks at recent weeks.</summary>
    public static readonly TimeSpan MessageWindow = TimeSpan.FromDays(35);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var count = await QueueAsync(EmbeddingRequest.Review, reviews.StaleAsync(model.ModelId, now - Grace, cancellationToken), MaxPerRun, cancellationToken)
            .ConfigureAwait(false);
        count += await QueueAsync(EmbeddingRequest.Message,
            OfAnalyticsTenantsAsync(messages.StaleVectorsAsync(model.ModelId, now - MessageWindow, now - Grace, cancellationToken), cancellationToken),
            MaxPerRun - count, cancellationToken).ConfigureAwait(false);
        if (count > 0) logger.LogInformation("Queued {Count} texts for embedding with {Model}", count, model.ModelId);
        return count;
    }

    /// <summary>Only what the worker would embed: messages of tenants whose plan has analytics (one profile read per tenant).</summary>
    private async IAsyncEnumerable<(string TenantId, string Id)> OfAnalyticsTenantsAsync(
        IAsyncEnumerable<(string TenantId, string Id)> stale, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var (tenantId, id) in stale.ConfigureAwait(false))
        {
            if (!allowed.TryGetValue(tenantId, out var analytics))
            {
                var profile = await directory.ProfileAsync(tenantId, cancellationToken).ConfigureAwait(false);
                allowed[tenantId] = analytics = profile is not null && PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics);
            }
            if (analytics) yield return (tenantId, id);
        }
    }

    private async Task<int> QueueAsync(string kind, IAsyncEnumerable<(string TenantId, string Id)> stale, int budget, CancellationToken cancellationToken)
    {
        var byTenant = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var count = 0;
        if (budget <= 0) return 0;
        await foreach (var (tenantId, id) in stale.ConfigureAwait(false))
        {
            if (!byTenant.TryGetValue(tenantId, out var ids)) byTenant[tenantId] = ids = [];
            ids.Add(id);
            if (++count >= budget) break;
        }
        foreach (var (tenantId, ids) in byTenant)
        {
            await queue.EnqueueAsync(kind, tenantId, ids, cancellationToken).ConfigureAwait(false);
        }
        return count;
    }
}
