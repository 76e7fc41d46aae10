using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Analytics;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Analytics;

/// <summary>Varying from/to cannot grow a tenant's cache without bound, nor make analytics compute without bound.</summary>
public sealed class AnalyticsBoundsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> PeriodAsync(TenantSession tenant, string report, int day) =>
        _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/analytics/{report}/?from=2026-01-01&to=2026-{1 + day / 28:D2}-{1 + day % 28:D2}"));

    [Fact]
    public async Task Fifty_distinct_periods_of_each_report_leave_a_bounded_number_of_cache_rows()
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        var computed = 0;
        void WithinTheRate()
        {
            if (computed++ % AnalyticsComputeLimit.MaxPerMinute == 0) _clock.Advance(TimeSpan.FromMinutes(1));
        }
        foreach (var report in new[] { "peak-hours", "sentiment", "top-questions" })
        {
            for (var day = 0; day < 50; day++)
            {
                WithinTheRate();
                await (await PeriodAsync(tenant, report, day)).JsonAsync();
            }
        }
        _clock.Advance(TimeSpan.FromMinutes(1));
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/analytics/recommendations/"))).JsonAsync();

        var table = await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Analytics, default);
        var rows = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant.TenantId}")).CountAsync();
        Assert.InRange(rows, 1, 3 * (1 + AnalyticsCache.SlotsPerReport) + 1);
    }

    [Fact]
    public async Task Uncached_computations_are_limited_per_tenant_and_cached_answers_are_not()
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        for (var day = 0; day < AnalyticsComputeLimit.MaxPerMinute; day++) await (await PeriodAsync(tenant, "peak-hours", day)).JsonAsync();

        var refused = await PeriodAsync(tenant, "peak-hours", AnalyticsComputeLimit.MaxPerMinute);
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await (await PeriodAsync(tenant, "peak-hours", 0)).JsonAsync(); // answered from the cache: no computation
        var other = await _host.RegisterAsync(plan: "professional");
        await (await PeriodAsync(other, "peak-hours", AnalyticsComputeLimit.MaxPerMinute)).JsonAsync(); // another tenant's own share

        _clock.Advance(TimeSpan.FromMinutes(1));
        await (await PeriodAsync(tenant, "peak-hours", AnalyticsComputeLimit.MaxPerMinute)).JsonAsync();
    }
}
