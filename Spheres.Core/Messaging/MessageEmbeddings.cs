using Spheres.Core.Accounts;
using Spheres.Core.Embeddings;
using Spheres.Core.Notifications;
using Spheres.Core.Plans;

namespace Spheres.Core.Messaging;

/// <summary>
/// Inbound messages as the embeddings queue sees them: embedded for analytics only, so only for tenants whose plan has it,
/// and only recent ones are re-embedded (analytics looks at recent weeks).
/// </summary>
public sealed class MessageEmbeddings(MessageStore messages, ProfileCache profiles, TimeProvider time) : IEmbeddingSubject
{
    /// <summary>Messages older than this are not re-embedded by the background refresh.</summary>
    public static readonly TimeSpan MessageWindow = TimeSpan.FromDays(35);

    public string Kind => EmbeddingRequest.Message;

    public TenantDataChange Change => TenantDataChange.MessagesEmbedded;

    public async Task<(IReadOnlyList<EmbeddingText> Pending, bool AlreadyDone)> PendingAsync(string tenantId, IReadOnlyList<string> ids, string modelId,
        CancellationToken cancellationToken)
    {
        if (!await HasAnalyticsAsync(tenantId, cancellationToken).ConfigureAwait(false)) return ([], false);
        var pending = new List<EmbeddingText>();
        var alreadyDone = false;
        foreach (var rowKey in ids.Distinct())
        {
            if (await messages.FindTextAsync(tenantId, rowKey, cancellationToken).ConfigureAwait(false) is not { } found) continue;
            if (found.VectorModel != modelId) pending.Add(new EmbeddingText(rowKey, found.Text));
            else alreadyDone = true;
        }
        return (pending, alreadyDone);
    }

    public async Task<int> SaveAsync(string tenantId, IReadOnlyList<EmbeddingText> texts, float[][] vectors, string modelId, CancellationToken cancellationToken)
    {
        var saved = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            if (await messages.SaveVectorAsync(tenantId, texts[i].Id, VectorCodec.Encode(vectors[i]), modelId, cancellationToken).ConfigureAwait(false)) saved++;
        }
        return saved;
    }

    /// <summary>Only what the worker would embed: messages of tenants whose plan has analytics (one profile read per tenant).</summary>
    public async IAsyncEnumerable<(string TenantId, string Id)> StaleAsync(string modelId, DateTimeOffset writtenBefore,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var (tenantId, id) in messages.StaleVectorsAsync(modelId, time.GetUtcNow() - MessageWindow, writtenBefore, cancellationToken)
                           .ConfigureAwait(false))
        {
            if (!allowed.TryGetValue(tenantId, out var analytics))
            {
                allowed[tenantId] = analytics = await HasAnalyticsAsync(tenantId, cancellationToken).ConfigureAwait(false);
            }
            if (analytics) yield return (tenantId, id);
        }
    }

    private async Task<bool> HasAnalyticsAsync(string tenantId, CancellationToken cancellationToken) =>
        await profiles.FindAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } profile
        && PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics);
}
