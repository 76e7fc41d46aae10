using Microsoft.Extensions.Logging;
using Spheres.Core.Reviews;

namespace Spheres.Core.Embeddings;

/// <summary>
/// The background half of "a vector is stored with the model that made it": finds reviews whose
/// vector is missing (an enqueue lost after the row was written) or from another model (the
/// configured model changed) and queues them for embedding. Bounded per run; the next run continues.
/// </summary>
public sealed class EmbeddingRefresh(ReviewStore reviews, EmbeddingQueue queue, EmbeddingModel model, ILogger<EmbeddingRefresh> logger)
{
    public const int MaxPerRun = 20_000;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var byTenant = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var count = 0;
        await foreach (var (tenantId, id) in reviews.StaleAsync(model.ModelId, cancellationToken).ConfigureAwait(false))
        {
            if (!byTenant.TryGetValue(tenantId, out var ids)) byTenant[tenantId] = ids = [];
            ids.Add(id);
            if (++count >= MaxPerRun) break;
        }
        foreach (var (tenantId, ids) in byTenant)
        {
            await queue.EnqueueAsync(EmbeddingRequest.Review, tenantId, ids, cancellationToken).ConfigureAwait(false);
        }
        if (count > 0) logger.LogInformation("Queued {Count} reviews of {Tenants} tenants for embedding with {Model}", count, byTenant.Count, model.ModelId);
        return count;
    }
}
