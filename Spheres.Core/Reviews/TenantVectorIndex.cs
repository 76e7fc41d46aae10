using System.Numerics.Tensors;
using Spheres.Core.Embeddings;
using Spheres.Core.Storage;

namespace Spheres.Core.Reviews;

/// <summary>
/// Semantic search over one tenant's review vectors: the vectors of the current model are read from
/// the tenant's partition once, held in memory (half precision) for a short time, and scanned in full
/// (exact cosine; 10,000 reviews take milliseconds, see docs/performance.md). Writes on this instance
/// drop the tenant's entry at once; other instances see them within <see cref="Lifetime"/>.
/// The cache holds at most <see cref="MaxTenants"/> tenants, and one tenant's snapshot at most <see cref="MaxVectors"/>
/// vectors (the newest: rows sort newest first), whatever its partition holds.
/// </summary>
public sealed class TenantVectorIndex(ReviewStore reviews, EmbeddingModel model, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    public const int MaxTenants = 16; // 10,000 reviews hold about 18 MB: at most ~300 MB for the largest tenants

    /// <summary>The most reviews any plan stores (<see cref="Plans.Plan.MaxReviews"/>): one search never loads more.</summary>
    public const int MaxVectors = 10_000;

    private readonly TtlCache<string, Snapshot> _cache = new(time, Lifetime, MaxTenants);

    public sealed record Snapshot(string[] Ids, Half[] Vectors, int Dimensions)
    {
        public long Bytes => (long)Vectors.Length * sizeof(ushort) + Ids.Sum(id => 24L + 2L * id.Length);
    }

    /// <summary>The <paramref name="limit"/> reviews nearest to <paramref name="query"/>, best first, with their cosine scores.</summary>
    public async Task<IReadOnlyList<(string Id, double Score)>> NearestAsync(
        string tenantId, float[] query, int limit, CancellationToken cancellationToken)
    {
        var snapshot = await _cache.GetOrLoadAsync(tenantId, id => LoadAsync(id, cancellationToken)).ConfigureAwait(false);
        return Nearest(snapshot, query, limit);
    }

    public void Invalidate(string tenantId) => _cache.Remove(tenantId);

    public async Task<Snapshot> LoadAsync(string tenantId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var rows = new List<byte[]>();
        var dimensions = 0;
        await foreach (var (id, bytes) in reviews.VectorsAsync(tenantId, model.ModelId, cancellationToken).ConfigureAwait(false))
        {
            if (dimensions == 0) dimensions = bytes.Length / sizeof(ushort);
            if (bytes.Length != dimensions * sizeof(ushort)) continue; // cannot happen within one model id; never compare mismatched vectors
            ids.Add(id);
            rows.Add(bytes);
            if (ids.Count == MaxVectors) break;
        }
        // One exact-size block: no growth slack, and the scan reads memory in order.
        var vectors = new Half[rows.Count * dimensions];
        var target = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan());
        for (var i = 0; i < rows.Count; i++) rows[i].CopyTo(target[(i * dimensions * sizeof(ushort))..]);
        return new Snapshot([.. ids], vectors, dimensions);
    }

    public static IReadOnlyList<(string Id, double Score)> Nearest(Snapshot snapshot, float[] query, int limit)
    {
        if (snapshot.Ids.Length == 0 || query.Length != snapshot.Dimensions) return [];
        var scores = new float[snapshot.Ids.Length];
        var row = new float[snapshot.Dimensions];
        for (var i = 0; i < scores.Length; i++)
        {
            TensorPrimitives.ConvertToSingle(snapshot.Vectors.AsSpan(i * snapshot.Dimensions, snapshot.Dimensions), row);
            scores[i] = TensorPrimitives.Dot(row, query); // both unit length: the cosine
        }
        // Partial selection: keep the best `limit` in a small heap instead of sorting everything.
        var best = new PriorityQueue<int, float>(limit + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            best.Enqueue(i, scores[i]);
            if (best.Count > limit) best.Dequeue();
        }
        var result = new List<(string, double)>(best.Count);
        while (best.TryDequeue(out var index, out var score)) result.Add((snapshot.Ids[index], Math.Round(score, 4)));
        result.Reverse();
        return result;
    }
}
