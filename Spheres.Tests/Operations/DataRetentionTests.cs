using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spheres.Core.Configuration;
using Spheres.Core.Messaging;
using Spheres.Core.Operations;
using Spheres.Core.Storage;
using Spheres.Core.WorkingHours;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Operations;

/// <summary>
/// The nightly retention run on a fake clock, against its own Azurite (it visits every tenant, so the shared
/// one's tenants must not be in reach).
/// </summary>
public sealed class DataRetentionTests : IAsyncLifetime
{
    // Saturday 28 November 2026, 00:30 UTC: already 02:30 in Kyiv, still the 27th in New York.
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 0, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private Task<TestHost> HostAsync(string? messageDays = null) =>
        TestHost.StartAsync(_azurite.ConnectionString,
            messageDays is null ? null : new Dictionary<string, string?> { [SettingNames.RetentionMessageDays] = messageDays },
            s => s.AddSingleton<TimeProvider>(_clock));

    [Fact]
    public async Task Messages_past_400_days_go_in_batches_of_at_most_100_per_partition_and_the_rest_stays()
    {
        await using var host = await HostAsync();
        var kyiv = await host.RegisterAsync(timezone: "Europe/Kyiv");
        var other = await host.RegisterAsync(timezone: "America/New_York");
        await StoreMessagesAsync(host, kyiv.TenantId, 1050, Now.AddDays(-401)); // more than one page of 1000
        await StoreMessagesAsync(host, kyiv.TenantId, 3, Now.AddDays(-399));
        await StoreMessagesAsync(host, other.TenantId, 2, Now.AddDays(-500));
        await StoreMessagesAsync(host, other.TenantId, 1, Now.AddDays(-1));
        await host.Services.GetRequiredService<MessageStore>().TryStoreAsync(Message(kyiv.TenantId, "counted", Now.AddDays(-402)),
            (Core.Plans.UsagePeriod.Containing(Now.AddDays(-402)), new MessageStore.Usage(0, null)), default);

        var batches = new List<int>();
        host.StorageFaults.FailWhen(m =>
        {
            // Observes the entity-group transactions (never fails one): how many operations each carried.
            if (StorageFaults.IsTableBatch(m) && m.Request.Content is { } content)
            {
                using var body = new MemoryStream();
                content.WriteTo(body, default);
                lock (batches) batches.Add(System.Text.Encoding.UTF8.GetString(body.ToArray()).Split("DELETE ").Length - 1);
            }
            return false;
        });
        var result = await host.Services.GetRequiredService<DataRetention>().RunAsync(default);
        host.StorageFaults.Heal();

        Assert.Equal(1053, result.MessagesDeleted);
        Assert.Equal(3, (await MessageRowsAsync(host, kyiv.TenantId)).Count);
        Assert.Single(await MessageRowsAsync(host, other.TenantId));
        // One partition at a time, never more than 100: the messages' rows, then their identity rows (the same counts).
        Assert.Equal([.. Enumerable.Repeat(100, 20), 51, 51, 2, 2], batches.Order().Reverse());
        // An identity row (what dedupes a provider's retries) goes with its message and stays with a kept one.
        Assert.Equal((3, 1), (await IdentityRowsAsync(host, kyiv.TenantId), await IdentityRowsAsync(host, other.TenantId)));
        var counter = await (await Messages(host)).GetEntityIfExistsAsync<TableEntity>(kyiv.TenantId, Core.Plans.UsagePeriod.Containing(Now.AddDays(-402)).RowKey);
        Assert.True(counter.HasValue); // usage counters are not messages
    }

    [Fact]
    public async Task Cached_analytics_too_old_to_answer_go_and_the_fresh_ones_and_the_stamp_stay()
    {
        await using var host = await HostAsync();
        var tenant = await host.RegisterAsync(timezone: "Europe/Kyiv");
        var cache = host.Services.GetRequiredService<Core.Analytics.AnalyticsCache>();
        await cache.TouchAsync(tenant.TenantId, default);
        var stamp = await cache.StampAsync(tenant.TenantId, default);
        await cache.SaveAsync(tenant.TenantId, "peak-hours.v2.Europe~Kyiv.2026-09-01.2026-09-30.all", pinned: false, stamp, new { total = 1 }, 1, default);
        _clock.Advance(Core.Analytics.AnalyticsCache.MaxAge + TimeSpan.FromMinutes(1));
        await cache.SaveAsync(tenant.TenantId, "peak-hours.v2.Europe~Kyiv.2026-10-29.2026-11-27.all", pinned: true, stamp, new { total = 2 }, 1, default);

        var result = await host.Services.GetRequiredService<DataRetention>().RunAsync(default);

        Assert.Equal(1, result.AnalyticsDeleted);
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Analytics, default);
        Assert.Equal(["peak-hours.v2.Europe~Kyiv.2026-10-29.2026-11-27.all", "stamp"],
            table.Query<TableEntity>($"PartitionKey eq '{tenant.TenantId}'").Select(row => row.GetString("Key") ?? row.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_retention_follows_the_setting()
    {
        await using var host = await HostAsync(messageDays: "30");
        var tenant = await host.RegisterAsync();
        await StoreMessagesAsync(host, tenant.TenantId, 2, Now.AddDays(-31));
        await StoreMessagesAsync(host, tenant.TenantId, 1, Now.AddDays(-29));

        Assert.Equal(2, (await host.Services.GetRequiredService<DataRetention>().RunAsync(default)).MessagesDeleted);
        Assert.Single(await MessageRowsAsync(host, tenant.TenantId));
    }

    [Fact]
    public async Task Dated_exceptions_before_yesterday_in_the_tenants_zone_go_and_recurring_ones_stay()
    {
        await using var host = await HostAsync();
        var kyiv = await host.RegisterAsync(timezone: "Europe/Kyiv");         // local date 2026-11-28
        var newYork = await host.RegisterAsync(timezone: "America/New_York"); // local date 2026-11-27
        foreach (var tenant in new[] { kyiv, newYork })
        {
            var id = (await host.CreateIntegrationAsync(tenant, "telegram")).Id();
            await host.Services.GetRequiredService<WorkingHoursStore>().EditAsync(tenant.TenantId, id, _ =>
            {
                var change = new ScheduleChange();
                foreach (var day in new[] { 25, 26, 27, 28 }) change.AddExceptions.Add(ScheduleException.ClosedOn(new LocalDate(2026, 11, day)));
                change.AddExceptions.Add(ScheduleException.ClosedOn(new LocalDate(2025, 1, 1), "New Year", recurringAnnually: true));
                return change;
            }, default);
        }

        var result = await host.Services.GetRequiredService<DataRetention>().RunAsync(default);

        Assert.Equal(3, result.ExceptionsDeleted);
        Assert.Equal(["2026-11-27", "2026-11-28", "yearly-01-01"], await ExceptionDatesAsync(host, kyiv.TenantId));        // yesterday and today stay
        Assert.Equal(["2026-11-26", "2026-11-27", "2026-11-28", "yearly-01-01"], await ExceptionDatesAsync(host, newYork.TenantId));
    }

    private static InboundMessage Message(string tenantId, string id, DateTimeOffset at) =>
        new(tenantId, 1, id, "telegram", "update-" + id, "77", "text " + id, at, at, MessageDecision.Agent, null, true, default);

    private static async Task StoreMessagesAsync(TestHost host, string tenantId, int count, DateTimeOffset at)
    {
        var store = host.Services.GetRequiredService<MessageStore>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.TryStoreAsync(Message(tenantId, $"{at:yyyyMMdd}-{i:D4}", at.AddSeconds(i)), null, ct));
    }

    private static Task<TableClient> Messages(TestHost host) => host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, default);

    private static async Task<List<TableEntity>> MessageRowsAsync(TestHost host, string tenantId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in (await Messages(host)).QueryAsync<TableEntity>(r => r.PartitionKey == tenantId)) if (row.ContainsKey("ReceivedAt")) rows.Add(row);
        return rows;
    }

    private static async Task<int> IdentityRowsAsync(TestHost host, string tenantId)
    {
        var count = 0;
        await foreach (var row in (await Messages(host)).QueryAsync<TableEntity>(r => r.PartitionKey == tenantId, select: ["RowKey"]))
            if (row.RowKey.StartsWith("id-", StringComparison.Ordinal)) count++;
        return count;
    }

    private static async Task<List<string>> ExceptionDatesAsync(TestHost host, string tenantId)
    {
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.WorkingHours, default);
        var dates = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == tenantId))
        {
            if (row.GetString("Kind") == "exception")
                dates.Add(row.GetBoolean("RecurringAnnually") == true ? "yearly-" + row.GetString("Date")[5..] : row.GetString("Date"));
        }
        return dates.Order().ToList();
    }
}
