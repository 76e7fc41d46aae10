using Microsoft.Extensions.AI;

namespace Spheres.Core.Embeddings;

/// <summary>
/// The configured <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> and the id stored with every
/// vector it makes. Vectors of different models are never compared: search skips them, and the
/// background refresh re-embeds them.
/// </summary>
public sealed class EmbeddingModel(IEmbeddingGenerator<string, Embedding<float>> generator)
{
    public string ModelId { get; } = Identify(generator);

    /// <summary>Unit-length vectors, one per text, in order.</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0) return [];
        var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return embeddings.Select(e => VectorCodec.Normalize(e.Vector.ToArray())).ToArray();
    }

    private static string Identify(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return $"{metadata?.ProviderName ?? "unknown"}:{metadata?.DefaultModelId ?? "unknown"}";
    }
}
