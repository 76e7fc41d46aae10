using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Storage;

namespace Spheres.Benchmarks.OAuth;

/// <summary>
/// <c>oauth-due</c> mode (docs/oauth-maintenance.md): <c>--tenants</c> (default 1,000) tenants with three integrations
/// each (Google Calendar and Gmail with token expiries spread over the next hour, and a Telegram bot without one),
/// stored through <see cref="IntegrationStore"/>. Measured: the refresh timer's one filtered cross-partition query
/// (<see cref="OAuthSchedule.TokensDueAsync"/>), beside, in the same run, the alternative of asking every tenant's
/// partition in turn (8 at a time) with the same filter.
/// </summary>
public static class OAuthDueMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = Smoke.In(args);
        var tenants = args.SkipWhile(a => a != "--tenants").Skip(1).Select(int.Parse).FirstOrDefault(smoke ? 30 : 1_000);
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(smoke ? 1 : 5);
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; {tenants} tenants x 3 integrations, {rounds} rounds");
        await using var azurite = await AzuriteServer.StartAsync();
        var storage = SpheresStorage.FromConnectionString(azurite.ConnectionString);
        var store = new IntegrationStore(storage);
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, tenants).Select(i => $"bench{i:D6}").ToArray();

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids.Select((tenant, i) => (tenant, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, ct) =>
        {
            var (tenant, i) = t;
            var expiry = now.AddSeconds(3600.0 * i / tenants); // spread over the hour a Google token lives
            foreach (var (typeId, slug, expires) in new[] { (1, "google-calendar", (DateTimeOffset?)expiry), (4, "gmail", expiry.AddMinutes(30)), (5, "telegram", null) })
            {
                await store.CreateAsync(tenant, id => new Integration(tenant, id, "user", typeId, slug, IntegrationStatus.Active, null, "{}",
                    "c-ref", null, $"key{i}-{typeId}", null, now, now) { TokenExpiresAt = expires }, ct);
            }
        });
        Console.WriteLine($"stored {3 * tenants} integrations ({9 * tenants} rows with sequences and type markers) in {watch.Elapsed.TotalSeconds:F1} s");

        var schedule = new OAuthSchedule(storage, TimeProvider.System);
        var table = await storage.TableAsync(TableNames.Integrations, CancellationToken.None);
        var before = now + TokenRefresher.Margin;

        async Task<int> PerPartition()
        {
            var found = 0;
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (tenant, ct) =>
            {
                await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and TokenExpiresAt le {before}"),
                                   select: ["PartitionKey", "RowKey", "Id", "TypeSlug"], cancellationToken: ct))
                {
                    Interlocked.Increment(ref found);
                }
            });
            return found;
        }

        Console.WriteLine();
        Console.WriteLine("| Round | one cross-partition query (ms) | due found | every partition in turn (ms) | due found | ratio per-partition/query |");
        Console.WriteLine("|---|---|---|---|---|---|");
        await schedule.TokensDueAsync(before, TokenRefresher.MaxPerRun, CancellationToken.None);
        await PerPartition(); // warm-up
        var agreed = true;
        for (var round = 1; round <= rounds; round++)
        {
            watch.Restart();
            var due = await schedule.TokensDueAsync(before, int.MaxValue, CancellationToken.None);
            var queryMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var perPartition = await PerPartition();
            var perPartitionMs = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine($"| {round} | {queryMs:F0} | {due.Count} | {perPartitionMs:F0} | {perPartition} | {perPartitionMs / queryMs:F2} |");
            agreed &= due.Count == perPartition && due.Count > 0;
        }
        return Smoke.Check("oauth-due", agreed, "the query and the per-partition scan found different due tokens, or none");
    }
}
