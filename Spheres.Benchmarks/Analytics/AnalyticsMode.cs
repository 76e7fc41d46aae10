using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Spheres.Core.Analytics;
using Spheres.Core.Configuration;
using Spheres.Core.Messaging;
using Spheres.Core.Storage;
using Spheres.Core.WorkingHours;

namespace Spheres.Benchmarks.Analytics;

/// <summary>
/// <c>analytics</c> mode (docs/performance.md): peak hours over a month of <c>--messages</c> (default 10,000) stored
/// messages of one tenant, with as many again in the month before (which the period's key range must skip). Beside it,
/// in the same run: a naive read of the tenant's whole partition with every column, and the in-memory grid alone.
/// </summary>
public static class AnalyticsMode
{
    private const string Tenant = "bench-tenant";

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = Smoke.In(args);
        var count = args.SkipWhile(a => a != "--messages").Skip(1).Select(int.Parse).FirstOrDefault(smoke ? 100 : 10_000);
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(smoke ? 1 : 5);
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; {count} messages in the period + {count} before it, {rounds} rounds");
        await using var azurite = await AzuriteServer.StartAsync();
        var storage = SpheresStorage.FromConnectionString(azurite.ConnectionString);
        var store = new MessageStore(storage);
        var zone = DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
        var period = new AnalyticsQuery(new LocalDate(2026, 10, 1), new LocalDate(2026, 10, 30), null).Resolve(zone, Instant.FromUtc(2026, 11, 27, 0, 0));
        var start = period.Start.ToDateTimeOffset();

        var watch = Stopwatch.StartNew();
        var span = (period.End - period.Start).ToTimeSpan();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var sentAt = start - span + span * 2 * i / (2 * count); // evenly over the month before and the period
            var message = new InboundMessage(Tenant, 1, $"{i:x24}", "telegram", i.ToString(), $"chat-{i % 700}", "Чи можна записатися на суботу?",
                sentAt, sentAt.AddSeconds(2), MessageDecision.Agent, null, true, sentAt);
            await store.TryStoreAsync(message, null, ct);
        });
        Console.WriteLine($"stored {2 * count} messages in {watch.Elapsed.TotalSeconds:F1} s");

        var schedule = WorkingSchedule.Compile(Enumerable.Range(0, 5).Select(d => new WorkingHoursRow(d, new LocalTime(9, 0), new LocalTime(18, 0))), [], zone);
        var table = await storage.TableAsync(TableNames.Messages, CancellationToken.None);

        async Task<int> PeakHours()
        {
            var grid = new PeakHoursGrid(zone);
            await foreach (var (_, sender, sentAt) in store.SentBetweenAsync(Tenant, start, period.End.ToDateTimeOffset(), null, CancellationToken.None))
            {
                var instant = Instant.FromDateTimeOffset(sentAt);
                grid.Add(instant, !schedule.IsOpenAt(instant), sender);
            }
            return grid.Report(period).Total;
        }

        async Task<int> NaiveWholePartition()
        {
            var rows = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Tenant}"))) rows++;
            return rows;
        }

        Console.WriteLine();
        Console.WriteLine("| Round | peak hours (ms) | rows counted | naive whole partition (ms) | rows read | ratio naive/peak | allocated by peak hours (MB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var countedOnce = await PeakHours();
        await NaiveWholePartition(); // warm-up
        for (var round = 1; round <= rounds; round++)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            watch.Restart();
            var counted = await PeakHours();
            var peakMs = watch.Elapsed.TotalMilliseconds;
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0;
            watch.Restart();
            var read = await NaiveWholePartition();
            var naiveMs = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine($"| {round} | {peakMs:F0} | {counted} | {naiveMs:F0} | {read} | {naiveMs / peakMs:F2} | {allocated:F1} |");
        }

        var instants = Enumerable.Range(0, count).Select(i => period.Start + Duration.FromTicks((period.End - period.Start).BclCompatibleTicks * i / count)).ToArray();
        watch.Restart();
        for (var r = 0; r < 20; r++)
        {
            var grid = new PeakHoursGrid(zone);
            foreach (var instant in instants) grid.Add(instant, !schedule.IsOpenAt(instant), "chat");
            grid.Report(period);
        }
        Console.WriteLine($"\nin memory only (zone conversion + IsOpenAt + grid) for {count} messages: {watch.Elapsed.TotalMilliseconds / 20:F2} ms");
        return Smoke.Check("analytics", countedOnce == count, $"peak hours counted {countedOnce} of the period's {count} messages");
    }
}
