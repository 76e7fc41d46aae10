using Spheres.Core.Notifications;

namespace Spheres.Core.Embeddings;

/// <summary>A text to embed by its row's id; a subject may derive from it to carry what saving needs (a review's rating).</summary>
public record EmbeddingText(string Id, string Text);

/// <summary>
/// A kind of text the <c>embeddings</c> queue embeds (reviews, inbound messages), implemented by the feature that stores
/// it: which of the ids still need the current model's vector, where the vectors go, and which rows a lost queue message
/// or a model change left without one. The worker and the background refresh know nothing else of reviews or messages.
/// </summary>
public interface IEmbeddingSubject
{
    /// <summary>The queue message's <c>kind</c> (<see cref="EmbeddingRequest.Review"/>, <see cref="EmbeddingRequest.Message"/>).</summary>
    string Kind { get; }

    /// <summary>What the tenant's data gained once vectors are saved (analytics derives from it).</summary>
    TenantDataChange Change { get; }

    /// <summary>The texts of <paramref name="ids"/> not yet embedded by <paramref name="modelId"/>; <c>AlreadyDone</c> when some were (a redelivery).</summary>
    Task<(IReadOnlyList<EmbeddingText> Pending, bool AlreadyDone)> PendingAsync(string tenantId, IReadOnlyList<string> ids, string modelId,
        CancellationToken cancellationToken);

    /// <summary>Stores each text's vector (with anything derived from the text); returns how many rows took one (deleted rows do not).</summary>
    Task<int> SaveAsync(string tenantId, IReadOnlyList<EmbeddingText> texts, float[][] vectors, string modelId, CancellationToken cancellationToken);

    /// <summary>Rows of any tenant whose vector is missing or from another model, last written before <paramref name="writtenBefore"/>.</summary>
    IAsyncEnumerable<(string TenantId, string Id)> StaleAsync(string modelId, DateTimeOffset writtenBefore, CancellationToken cancellationToken);
}
