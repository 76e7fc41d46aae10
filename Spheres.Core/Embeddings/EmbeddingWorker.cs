using Microsoft.Extensions.Logging;
using Spheres.Core.Notifications;

namespace Spheres.Core.Embeddings;

/// <summary>
/// Handles one <see cref="EmbeddingRequest"/>: embeds the texts the current model has not embedded yet in one batch and
/// stores each vector with the model's id, through the <see cref="IEmbeddingSubject"/> of its kind. Redelivery is harmless:
/// rows already done by this model are skipped, deleted rows ignored. Once vectors are stored, the tenant's data change is
/// published (<see cref="ITenantDataChanged"/>): after the data, so a listener never sees the change before the data. A
/// redelivery that finds everything done publishes it again, in case the first delivery failed between the two.
/// </summary>
public sealed class EmbeddingWorker(IEnumerable<IEmbeddingSubject> subjects, EmbeddingModel model, ITenantDataChanged changes, ILogger<EmbeddingWorker> logger)
{
    private readonly Dictionary<string, IEmbeddingSubject> _subjects = subjects.ToDictionary(s => s.Kind, StringComparer.Ordinal);

    /// <summary>Returns how many texts were embedded.</summary>
    public async Task<int> HandleAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        if (!_subjects.TryGetValue(request.Kind, out var subject)) return 0;
        var done = await EmbedAsync(subject, request.TenantId, request.Ids, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Embedded {Count} of {Requested} {Kind} texts with {Model}", done, request.Ids.Count, request.Kind, model.ModelId);
        return done;
    }

    private async Task<int> EmbedAsync(IEmbeddingSubject subject, string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var (pending, alreadyDone) = await subject.PendingAsync(tenantId, ids, model.ModelId, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            if (alreadyDone) await changes.OnChangedAsync(tenantId, subject.Change, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        var vectors = await model.EmbedAsync(pending.Select(p => p.Text).ToList(), cancellationToken).ConfigureAwait(false);
        var saved = await subject.SaveAsync(tenantId, pending, vectors, model.ModelId, cancellationToken).ConfigureAwait(false);
        if (saved > 0) await changes.OnChangedAsync(tenantId, subject.Change, cancellationToken).ConfigureAwait(false);
        return saved;
    }
}
