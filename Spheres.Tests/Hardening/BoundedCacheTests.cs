using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Storage;

namespace Spheres.Tests.Hardening;

/// <summary>Caches that anonymous input reaches stay bounded and keep their hot entries.</summary>
public sealed class BoundedCacheTests
{
    [Fact]
    public async Task A_flood_of_unknown_keys_stays_within_bounds_and_never_evicts_a_hot_entry()
    {
        var clock = new FakeTimeProvider();
        var cache = new TtlCache<string, string?>(clock, TimeSpan.FromSeconds(15), maxEntries: 100);
        var loads = 0;
        Task<string?> Load(string key) { Interlocked.Increment(ref loads); return Task.FromResult(key == "hot" ? "route" : null); }

        Assert.Equal("route", await cache.GetOrLoadAsync("hot", Load));
        for (var i = 0; i < 50_000; i++) await cache.GetOrLoadAsync("unknown-" + i, Load);

        Assert.InRange(cache.Count, 1, 100);
        loads = 0;
        Assert.Equal("route", await cache.GetOrLoadAsync("hot", Load));
        Assert.Equal(0, loads); // still cached: the flood did not evict it
    }

    [Fact]
    public async Task Expired_entries_make_room_when_the_cache_is_full()
    {
        var clock = new FakeTimeProvider();
        var cache = new TtlCache<int, string>(clock, TimeSpan.FromSeconds(15), maxEntries: 10);
        for (var i = 0; i < 10; i++) await cache.GetOrLoadAsync(i, k => Task.FromResult($"v{k}"));
        clock.Advance(TimeSpan.FromSeconds(16));

        await cache.GetOrLoadAsync(100, k => Task.FromResult("new"));
        var loads = 0;
        await cache.GetOrLoadAsync(100, k => { loads++; return Task.FromResult("new"); });
        Assert.Equal(0, loads);
        Assert.Equal(1, cache.Count);
    }
}

public sealed class CatalogAnswerCacheTests
{
    [Fact]
    public async Task Spelling_variants_of_one_filter_share_one_cached_answer()
    {
        await using var host = await Infrastructure.TestHost.StartSharedAsync();
        var responses = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Spheres.Functions.Catalog.CatalogResponses>(host.Services);
        var variants = new[] { "sphere_id=2", "sphere_id=0002", "sphere_id=%2B2", "sphere_id=002&sphere_slug=beauty", "sphere_slug=beauty" };
        var etags = new HashSet<string>();
        foreach (var query in variants.Concat(Enumerable.Range(0, 200).Select(i => $"sphere_id={new string('0', i % 50)}2&country=ua")))
        {
            var response = await host.Client.GetAsync("/api/accounts/integration-types/?" + query);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            if (!query.Contains("country")) etags.Add(response.Headers.ETag!.Tag);
        }
        Assert.Single(etags);
        Assert.Equal(2, responses.CachedAnswerCount); // "beauty" and "beauty in UA": 205 requests, two answers
    }
}
