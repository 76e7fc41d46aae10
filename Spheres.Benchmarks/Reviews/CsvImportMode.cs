using System.Diagnostics;
using System.Text;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;

namespace Spheres.Benchmarks.Reviews;

/// <summary>
/// <c>csv-import</c> mode (docs/performance.md): the memory one CSV import body costs, the old way (<see cref="SplitAllReviewCsv"/>:
/// buffer, decode, split everything, then count) beside the streamed <see cref="ReviewCsv"/> (one record at a time, stopping at
/// the limit), on the same bodies in the same run: managed bytes allocated, the managed heap's peak above what was live before
/// (sampled every millisecond), and the time. <c>--smoke</c>: small bodies, one round, and a check that both read the same rows
/// (what <c>./test.sh</c> runs). Options: <c>--rounds 3</c>.
/// </summary>
public static class CsvImportMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var rounds = smoke ? 1 : Option(args, "--rounds", 3);
        var megabytes = smoke ? 0.25 : 8;
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
        var bodies = new (string Name, byte[] Body)[]
        {
            ($"{megabytes} MB of blank lines", Encoding.UTF8.GetBytes("text\n" + new string('\n', (int)(megabytes * 1024 * 1024)))),
            ("1,000 reviews (~120 KB)", Encoding.UTF8.GetBytes(Rows(1000))),
            ($"1,001 reviews then {megabytes} MB", Encoding.UTF8.GetBytes(Rows(1001) + new string('x', (int)(megabytes * 1024 * 1024)))),
        };
        if (await NewAsync(bodies[1].Body) != await OldAsync(bodies[1].Body))
        {
            Console.Error.WriteLine("csv-import: the streamed reader and the baseline disagree on the rows of the same body");
            return 1;
        }
        Console.WriteLine("| body | round | baseline allocated | streamed allocated | ratio | baseline peak heap | streamed peak heap | ratio | baseline ms | streamed ms |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (name, body) in bodies)
        {
            for (var round = 1; round <= rounds; round++)
            {
                var old = await MeasureAsync(() => OldAsync(body));
                var streamed = await MeasureAsync(() => NewAsync(body));
                Console.WriteLine($"| {name} | {round} | {Mb(old.Allocated)} | {Mb(streamed.Allocated)} | {Ratio(old.Allocated, streamed.Allocated)} | " +
                                  $"{Mb(old.Peak)} | {Mb(streamed.Peak)} | {Ratio(old.Peak, streamed.Peak)} | {old.Ms:F0} | {streamed.Ms:F0} |");
            }
        }
        return 0;
    }

    private static async Task<int> OldAsync(byte[] body)
    {
        try
        {
            return await SplitAllReviewCsv.ImportAsync(new MemoryStream(body, writable: false), CancellationToken.None);
        }
        catch (ProblemException)
        {
            return -1; // refused: more than 1,000 rows
        }
    }

    private static async Task<int> NewAsync(byte[] body)
    {
        using var reader = new StreamReader(new MemoryStream(body, writable: false), new UTF8Encoding(false, true), true, 16 * 1024);
        var valid = 0;
        try
        {
            await foreach (var record in ReviewCsv.ReadAsync(reader, ImportLimits.MaxRows, CancellationToken.None))
            {
                var errors = new FieldErrors();
                ReviewFields.FromCsv(record, errors);
                if (!errors.Any) valid++;
            }
        }
        catch (ProblemException)
        {
            return -1;
        }
        return valid;
    }

    private static async Task<(long Allocated, long Peak, double Ms)> MeasureAsync(Func<Task<int>> import)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(1);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await import();
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        await stop.CancelAsync();
        await sampler;
        return (allocated, peak - baseline, watch.Elapsed.TotalMilliseconds);
    }

    private static string Rows(int count)
    {
        var csv = new StringBuilder("external_id,source,rating,text,author\n");
        for (var i = 0; i < count; i++)
            csv.Append("r").Append(i).Append(",google,").Append(1 + i % 5).Append(",\"Чудово, дякую! Visit number ").Append(i).Append(" went well\",Olena\n");
        return csv.ToString();
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " MB";

    private static string Ratio(long baseline, long streamed) =>
        streamed <= 0 ? "∞" : (baseline / (double)streamed).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "×";

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }
}
