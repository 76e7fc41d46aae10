using System.Text.Json;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Reviews;

namespace Spheres.Tests.Analytics;

/// <summary>Sentiment analytics end to end: reviews posted with chosen dates, analysed by the queue function, summarised per period.</summary>
[Collection(ReviewCollection.Name)]
public sealed class SentimentAnalyticsTests(ReviewFixture fixture)
{
    private TestHost Host => fixture.Host;

    private const string Waited = "Чекали майже годину, це жахливо";
    private const string WaitedLong = "Дуже довго чекала, не рекомендую";

    /// <summary>A salon's September in Kyiv (EEST, UTC+3): two complaints about waiting, praise, a neutral visit, and one review after the period.</summary>
    private Task<TenantSession> SeptemberAsync() => fixture.SharedAsync("analytics-september", async tenant =>
    {
        object[] reviews =
        [
            new { text = Waited, rating = 1, created_at = "2026-09-08T10:00:00Z" },
            new { text = WaitedLong, rating = 2, created_at = "2026-09-09T10:00:00Z" },
            new { text = "Чудовий манікюр, все сподобалось", rating = 5, created_at = "2026-09-10T10:00:00Z" },
            new { text = "Дуже сподобалось, дякую", rating = 5, created_at = "2026-09-13T21:30:00Z" }, // Mon 14th 00:30 local
            new { text = "Була у вівторок на стрижці", created_at = "2026-09-14T21:30:00Z" },               // Tue 15th 00:30 local
            new { text = "Жахливо, волосся спалене", rating = 1, created_at = "2026-09-20T21:30:00Z" },    // Mon 21st: after the period
        ];
        foreach (var review in reviews) await fixture.CreateAsync(tenant, review);
        await fixture.WaitAnalysedAsync(tenant);
    });

    [Fact]
    public async Task Counts_average_rating_weeks_in_the_profiles_zone_and_the_aspect_behind_negative_reviews()
    {
        var tenant = await SeptemberAsync();

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/sentiment/?from=2026-09-07&to=2026-09-20");

        Assert.Equal(5, report.GetProperty("total").GetInt32());
        Assert.Equal((2, 1, 2), (report.GetProperty("positive").GetInt32(), report.GetProperty("neutral").GetInt32(), report.GetProperty("negative").GetInt32()));
        Assert.Equal(3.25, report.GetProperty("average_rating").GetDouble());
        Assert.Equal(["2026-09-07 1/0/2", "2026-09-14 1/1/0"], report.GetProperty("by_week").EnumerateArray()
            .Select(w => $"{w.GetProperty("week_start").GetString()} {w.GetProperty("positive").GetInt32()}/{w.GetProperty("neutral").GetInt32()}/{w.GetProperty("negative").GetInt32()}")
            .ToArray());
        var worst = report.GetProperty("aspects")[0];
        Assert.Equal("waiting_time", worst.GetProperty("label").GetString());
        Assert.Equal(2, worst.GetProperty("count").GetInt32());
        Assert.Equal(1.0, worst.GetProperty("negative_share").GetDouble());
        Assert.Equal(new[] { Waited, WaitedLong }.Order(StringComparer.Ordinal), worst.GetProperty("examples").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sentiment_is_answered_from_the_cache_until_a_review_is_deleted_or_analysed()
    {
        var tenant = await fixture.ProfessionalAsync();
        await fixture.CreateAsync(tenant, new { text = "Чудовий манікюр, все сподобалось", rating = 5, created_at = "2026-09-08T10:00:00Z" });
        var deleted = await fixture.CreateAsync(tenant, new { text = WaitedLong, rating = 2, created_at = "2026-09-09T10:00:00Z" });
        await fixture.WaitAnalysedAsync(tenant);
        const string path = "/api/analytics/sentiment/?from=2026-09-07&to=2026-09-20";

        var first = await Host.GetJsonAsync(tenant, path);
        Assert.Equal((2, 1), (first.GetProperty("total").GetInt32(), first.GetProperty("negative").GetInt32()));
        var cached = Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "sentiment", "2026-09-07.2026-09-20"));
        Assert.Equal(first.GetRawText(), (await Host.GetJsonAsync(tenant, path)).GetRawText());
        Assert.Equal(cached.ETag, Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "sentiment", "2026-09-07.2026-09-20")).ETag);

        var delete = await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"/api/reviews/{deleted.GetProperty("id").GetString()}/"));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, delete.StatusCode);
        var afterDelete = await Host.GetJsonAsync(tenant, path);
        Assert.Equal((1, 0), (afterDelete.GetProperty("total").GetInt32(), afterDelete.GetProperty("negative").GetInt32()));

        await fixture.CreateAsync(tenant, new { text = Waited, rating = 1, created_at = "2026-09-10T10:00:00Z" });
        await fixture.WaitAnalysedAsync(tenant);
        var afterNew = await Host.GetJsonAsync(tenant, path);
        Assert.Equal((2, 1), (afterNew.GetProperty("total").GetInt32(), afterNew.GetProperty("negative").GetInt32()));
    }

    [Fact]
    public async Task A_period_without_reviews_lists_its_weeks_empty_and_no_average()
    {
        var tenant = await SeptemberAsync();

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/sentiment/?from=2026-08-01&to=2026-08-16");

        Assert.Equal(0, report.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("average_rating").ValueKind);
        Assert.Equal(["2026-07-27", "2026-08-03", "2026-08-10"], report.GetProperty("by_week").Strings("week_start").ToArray());
        Assert.Empty(report.GetProperty("aspects").EnumerateArray());
    }

    [Fact]
    public async Task The_most_criticised_aspect_comes_back_as_a_fix_aspect_recommendation_in_Ukrainian()
    {
        var tenant = await SeptemberAsync();

        var recommendations = await Host.GetJsonAsync(tenant, "/api/analytics/recommendations/?from=2026-09-07&to=2026-09-20");

        var fix = Assert.Single(recommendations.EnumerateArray(), r => r.GetProperty("kind").GetString() == "fix_aspect");
        Assert.Contains("час очікування", fix.GetProperty("title").GetString());
        Assert.Equal("waiting_time", fix.GetProperty("evidence").GetProperty("aspect").GetString());
        Assert.Equal(2, fix.GetProperty("evidence").GetProperty("count").GetInt32());
        Assert.Equal(2, fix.GetProperty("evidence").GetProperty("examples").GetArrayLength());
        Assert.DoesNotContain(recommendations.EnumerateArray(), r => r.GetProperty("kind").GetString() == "extend_hours"); // no messages
    }
}
