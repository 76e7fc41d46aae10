using Microsoft.Extensions.Logging;

namespace Spheres.Core.Embeddings;

/// <summary>
/// The background half of "a vector is stored with the model that made it": asks each <see cref="IEmbeddingSubject"/>
/// for rows whose vector is missing (an enqueue lost after the row was written) or from another model (the configured
/// model changed) and queues them for embedding. Rows written in the last <see cref="Grace"/> are left to the queue
/// message already on its way. Bounded per run; the next run continues.
/// </summary>
public sealed class EmbeddingRefresh(
    IEnumerable<IEmbeddingSubject> subjects, EmbeddingQueue queue, EmbeddingModel model, TimeProvider time, ILogger<EmbeddingRefresh> logger)
{
    public const int MaxPerRun = 20_000;
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var writtenBefore = time.GetUtcNow() - Grace;
        var count = 0;
        foreach (var subject in subjects)
        {
            count += await QueueAsync(subject.Kind, subject.StaleAsync(model.ModelId, writtenBefore, cancellationToken), MaxPerRun - count, cancellationToken)
                .ConfigureAwait(false);
        }
        if (count > 0) logger.LogInformation("Queued {Count} texts for embedding with {Model}", count, model.ModelId);
        return count;
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
