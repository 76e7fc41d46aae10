using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Analytics.Questions;
using Spheres.Core.Configuration;
using Spheres.Core.Embeddings;
using Spheres.Core.Messaging;
using Spheres.Core.Reviews;
using Spheres.Core.Sentiment;
using Spheres.Core.Storage;

namespace Spheres.Benchmarks.Analytics;

/// <summary>
/// <c>top-questions</c> mode (docs/performance.md): grouping 1,000, 5,000 and 10,000 questions, and reading 10,000
/// stored vectors from Azurite. The questions are the labelled set's (Spheres.Tests/Analytics/Data/questions.json),
/// embedded once by the local model; each synthetic message is one of them with Gaussian noise on its vector
/// (cosine about 0.85 to the original, like a rewording), and <c>--unique</c> (default 20 %) are questions asked once
/// (random unit vectors, no topic words): they start groups of their own, the costly case for threshold clustering.
/// Then a month's 2,000 analysed reviews (with vectors) are folded into the sentiment summary as the request does.
/// </summary>
public static class TopQuestionsMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = Smoke.In(args);
        var unique = args.SkipWhile(a => a != "--unique").Skip(1).Select(double.Parse).FirstOrDefault(0.2);
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(smoke ? 1 : 3);
        var (sizes, storedCount, reviewCount) = smoke ? (new[] { 200 }, 200, 40) : (new[] { 1_000, 5_000, 10_000 }, 10_000, 2_000);
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; {unique:P0} asked once, {rounds} rounds");
        using var set = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Spheres.Tests", "Analytics", "Data", "questions.json")));
        var texts = set.RootElement.EnumerateArray().Where(q => q.GetProperty("intent").GetString() != "greeting")
            .Select(q => q.GetProperty("text").GetString()!).ToArray();
        using var generator = new LocalEmbeddingGenerator();
        var bases = (await generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToArray();

        Console.WriteLine();
        Console.WriteLine("| questions | grouping p50 (ms) | min / max (ms) | clusters of 2+ | in them | allocated (MB) | vectors in (MB) | ratio to 1k |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        double? first = null;
        foreach (var n in sizes)
        {
            var questions = Synthetic(n, texts, bases, unique, new Random(n));
            TopQuestions.Build(questions[..Math.Min(200, n)]); // warm-up
            var times = new List<double>();
            TopQuestionsReport report = null!;
            long allocated = 0;
            for (var r = 0; r < rounds; r++)
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                report = TopQuestions.Build(questions);
                times.Add(watch.Elapsed.TotalMilliseconds);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }
            times.Sort();
            var p50 = times[times.Count / 2];
            first ??= p50;
            var input = questions.Sum(q => (long)q.Vector.Length + 2L * q.Text.Length + 2L * q.Id.Length + 80);
            Console.WriteLine($"| {n:N0} | {p50:F0} | {times[0]:F0} / {times[^1]:F0} | {report.Clusters.Count} | {report.Clusters.Sum(c => c.Count)} | "
                + $"{allocated / 1048576.0:F1} | {input / 1048576.0:F1} | {p50 / first:F1}× |");
        }

        await using var azurite = await AzuriteServer.StartAsync();
        var store = new MessageStore(SpheresStorage.FromConnectionString(azurite.ConnectionString));
        var stored = Synthetic(storedCount, texts, bases, unique, new Random(7));
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(0, stored.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var sentAt = start.AddMinutes(4 * i);
            var message = new InboundMessage("bench-tenant", 1, $"{i:x24}", "telegram", i.ToString(), $"chat-{i % 700}", stored[i].Text,
                sentAt, sentAt.AddSeconds(2), MessageDecision.Agent, null, true, sentAt);
            var (_, written, _) = await store.TryStoreAsync(message, null, ct);
            await store.SaveVectorAsync("bench-tenant", MessageStore.RowKeyOf(written), stored[i].Vector, "bench-model", ct);
        });
        var readBack = 0;
        for (var r = 0; r < rounds; r++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var read = new List<StoredQuestion>();
            await foreach (var (id, text, vector) in store.EmbeddedBetweenAsync("bench-tenant", start, start.AddDays(31), null, "bench-model", CancellationToken.None))
                read.Add(new StoredQuestion(id, text, vector));
            var readMs = watch.Elapsed.TotalMilliseconds;
            var readMb = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0;
            watch.Restart();
            var report = TopQuestions.Build(read);
            readBack = read.Count;
            Console.WriteLine($"read {stored.Length:N0} stored vectors from Azurite: {readMs:F0} ms ({read.Count} rows, {readMb:F0} MB allocated); grouping them: {watch.Elapsed.TotalMilliseconds:F0} ms; working set {Environment.WorkingSet / 1048576} MB");
        }
        var summarised = await SentimentAsync(SpheresStorage.FromConnectionString(azurite.ConnectionString), bases[0], reviewCount, rounds);
        return Smoke.Check("top-questions", readBack == stored.Length && summarised == reviewCount,
            $"read back {readBack} of {stored.Length} stored vectors, summarised {summarised} of {reviewCount} reviews");
    }

    /// <summary>Analysed reviews (2,000) in a 30-day month, folded as GET /api/analytics/sentiment/ does (pages of 1,000); returns how many were summarised.</summary>
    private static async Task<int> SentimentAsync(SpheresStorage storage, float[] vector, int count, int rounds)
    {
        var reviews = new ReviewStore(storage);
        var texts = new[] { "Чекали годину, адміністратор грубий", "Дуже гарний манікюр, дякую!", "Цены завышены, но мастер хороший", "Great colour, friendly staff" };
        var month = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var createdAt = month.AddMinutes(21 * i);
            var text = texts[i % texts.Length];
            var review = await reviews.TryAddAsync(new Review("bench-tenant", ReviewStore.NewId(createdAt), text, 1 + i % 5, null, "manual", null, createdAt, null, []), ct);
            var (sentiment, aspects) = ReviewSentimentAnalyzer.Analyze(text, 1 + i % 5);
            await reviews.SaveAnalysisAsync("bench-tenant", review!.Id, new ReviewAnalysis(sentiment, aspects, vector, "bench-model"), ct);
        });
        var zone = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
        var period = new Spheres.Core.Analytics.AnalyticsQuery(new NodaTime.LocalDate(2026, 10, 1), new NodaTime.LocalDate(2026, 10, 30), null)
            .Resolve(zone, NodaTime.Instant.FromUtc(2026, 11, 27, 0, 0));
        var total = 0;
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            var summary = new Spheres.Core.Analytics.SentimentSummary(period);
            var filter = new ReviewFilter(null, null, period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset().AddTicks(-1));
            string? after = null;
            do
            {
                (var page, after) = await reviews.ListAsync("bench-tenant", filter, 1000, after, CancellationToken.None);
                foreach (var review in page) summary.Add(review);
            }
            while (after is not null);
            total = summary.Report().Total;
            Console.WriteLine($"sentiment summary of {total} reviews (read + fold): {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        return total;
    }

    private static StoredQuestion[] Synthetic(int n, string[] texts, float[][] bases, double unique, Random random)
    {
        var dimensions = bases[0].Length;
        var sigma = Math.Sqrt((1 / (0.85 * 0.85) - 1) / dimensions); // cosine ≈ 0.85 to the base vector
        var questions = new StoredQuestion[n];
        for (var i = 0; i < n; i++)
        {
            var once = random.NextDouble() < unique;
            var source = random.Next(texts.Length);
            var vector = new float[dimensions];
            for (var d = 0; d < dimensions; d++) vector[d] = (once ? 0 : bases[source][d]) + (float)(Gaussian(random) * (once ? 1 : sigma));
            questions[i] = new StoredQuestion($"{i:x24}", once ? $"Питання {i}, яке ставлять один раз" : texts[source], VectorCodec.Encode(VectorCodec.Normalize(vector)));
        }
        return questions;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
