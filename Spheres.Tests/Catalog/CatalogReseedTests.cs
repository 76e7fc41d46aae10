using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Catalog;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Catalog;

/// <summary>Reseeding: behind the key, idempotent, safe when concurrent, and never half visible. Each test has its own empty Azurite.</summary>
public sealed class CatalogReseedTests : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _host = await TestHost.StartAsync(_azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Reseed_needs_the_function_key(string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/catalog/reseed/");
        if (key is not null) request.Headers.Add("x-functions-key", key);

        await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await CatalogRowsAsync()); // nothing was written
    }

    [Fact]
    public async Task Reseed_with_the_key_in_header_or_query_writes_the_whole_catalog_once()
    {
        var first = await (await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"))).JsonAsync();
        Assert.Equal(3, first.GetProperty("spheres").GetInt32());
        Assert.Equal(28, first.GetProperty("integration_types").GetInt32());
        var version = first.GetProperty("catalog_version").GetInt64();

        var second = await (await _host.Client.PostAsync($"/api/admin/catalog/reseed?code={TestHost.FunctionKey}", null)).JsonAsync();
        Assert.Equal(version, second.GetProperty("catalog_version").GetInt64()); // nothing changed, nothing bumped

        var rows = await CatalogRowsAsync();
        Assert.Equal(3 + 28 + 1, rows.Count);
        Assert.Equal(3, rows.Count(r => r.RowKey.StartsWith("sphere-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reseed_repairs_an_edited_row_and_readers_see_the_repair()
    {
        await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"));
        var table = await TableAsync();
        var telegram = (await table.GetEntityAsync<TableEntity>("catalog", "type-0005")).Value;
        telegram["Name"] = "Telegraph";
        await table.UpdateEntityAsync(telegram, telegram.ETag, TableUpdateMode.Replace);
        await table.AddEntityAsync(new TableEntity("catalog", "type-0099") { ["Id"] = 99, ["Slug"] = "fax" });

        var reseed = await (await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"))).JsonAsync();

        Assert.Equal(2, reseed.GetProperty("catalog_version").GetInt64());
        var type = await (await _host.Client.GetAsync("/api/accounts/integration-types/telegram/")).JsonAsync();
        Assert.Equal("Telegram", type.GetProperty("name").GetString());
        Assert.Equal(3 + 28 + 1, (await CatalogRowsAsync()).Count);
    }

    [Fact]
    public async Task Concurrent_reseeds_all_succeed_and_leave_exactly_the_seed()
    {
        // All eight have read the (empty) catalog before any writes it: seven must lose and converge.
        using var race = _host.StorageFaults.HoldUntilTogether(m => StorageFaults.IsTableBatch(m), 8);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"))));

        Assert.True(race.Happened, "the eight reseeds never were in flight together");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var rows = await CatalogRowsAsync();
        Assert.Equal(3 + 28 + 1, rows.Count);
        Assert.Equal(1, rows.Single(r => r.RowKey == "version").GetInt64("Version"));
    }

    [Fact]
    public async Task A_reader_never_sees_half_a_catalog_while_reseeds_alternate()
    {
        var store = _host.Services.GetRequiredService<CatalogStore>();
        var seed = CatalogSeed.Snapshot;
        // A second catalog differing in every row, so a mix of the two would show.
        var renamed = new CatalogSnapshot(
            seed.Spheres.Select(s => s with { Name = s.Name + " (renamed)" }),
            seed.IntegrationTypes.Select(t => t with { Name = t.Name + " (renamed)" }));
        await store.ReseedAsync(seed, default);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++) await store.ReseedAsync(i % 2 == 0 ? renamed : seed, default);
            stop.Cancel();
        });
        var reads = 0;
        var seen = new HashSet<int>();
        while (!stop.IsCancellationRequested)
        {
            var snapshot = await store.ReadAsync(default);
            Assert.NotNull(snapshot);
            Assert.Equal(3, snapshot!.Spheres.Count);
            Assert.Equal(28, snapshot.IntegrationTypes.Count);
            var renamedRows = snapshot.Spheres.Select(s => s.Name).Concat(snapshot.IntegrationTypes.Select(t => t.Name))
                .Count(n => n.EndsWith("(renamed)", StringComparison.Ordinal));
            Assert.True(renamedRows is 0 or 31, $"read {reads}: {renamedRows} of 31 rows renamed: a half catalog");
            seen.Add(renamedRows);
            reads++;
        }
        await writer;
        // Reads that saw both catalogs ran between reseeds, not all before or after them.
        Assert.Equal([0, 31], seen.Order());
    }

    private async Task<TableClient> TableAsync() =>
        await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Catalog, default);

    private async Task<List<TableEntity>> CatalogRowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in (await TableAsync()).QueryAsync<TableEntity>()) rows.Add(row);
        return rows;
    }
}
