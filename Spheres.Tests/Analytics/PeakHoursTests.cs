using System.Net;
using System.Text.Json;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Analytics;

/// <summary>
/// Peak hours end to end: customer messages delivered through the Telegram webhook with chosen provider
/// timestamps, then read back as the owner's heatmap in the profile's zone (Europe/Kyiv).
/// </summary>
public sealed class PeakHoursTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private static long _nextUpdateId = 7_100_000;

    private TestHost Host => fixture.Host;

    /// <summary>Delivers one message per instant (each its own update) from the customer in chat <paramref name="chatId"/>; Telegram gets 200.</summary>
    internal static async Task DeliverAsync(TestHost host, string url, string secret, long chatId, params DateTimeOffset[] sentAt)
    {
        foreach (var at in sentAt)
        {
            await WebhookFixture.OkAsync(await WebhookFixture.DeliverWithRetriesAsync(host, url, secret,
                Deliveries.TelegramUpdate(Interlocked.Increment(ref _nextUpdateId), chatId, "Чи можна записатися на манікюр?", at)));
        }
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static int Cell(JsonElement report, int weekday, int hour) =>
        report.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("weekday").GetInt32() == weekday && c.GetProperty("hour").GetInt32() == hour)
            .GetProperty("count").GetInt32();

    [Fact]
    public async Task A_DST_week_in_Kyiv_counts_each_message_in_the_hour_the_customers_clock_showed()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        // Kyiv leaves summer time on Sunday 2026-10-25 at 04:00 EEST (01:00 UTC): 03:xx happens twice.
        await DeliverAsync(Host, url, secret, 501,
            Utc("2026-10-19T20:59:00"),  // Mon 23:59 EEST: the day before the period
            Utc("2026-10-19T21:00:00"),  // Tue 00:00 EEST: the period's first minute
            Utc("2026-10-21T21:30:00"),  // Thu 00:30 EEST
            Utc("2026-10-22T09:00:00"),  // Thu 12:00 EEST (+3)
            Utc("2026-10-25T00:30:00"),  // Sun 03:30 EEST, first time
            Utc("2026-10-25T01:30:00"),  // Sun 03:30 EET, second time
            Utc("2026-10-26T09:00:00"),  // Mon 11:00 EET (+2)
            Utc("2026-10-26T09:30:00"),  // Mon 11:30 EET
            Utc("2026-10-26T10:15:00"),  // Mon 12:15 EET
            Utc("2026-10-28T22:30:00")); // Thu 00:30 EET: the day after the period

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/peak-hours/?from=2026-10-20&to=2026-10-28");

        Assert.Equal("Europe/Kyiv", report.GetProperty("timezone").GetString());
        Assert.Equal("2026-10-20", report.GetProperty("from").GetString());
        Assert.Equal("2026-10-28", report.GetProperty("to").GetString());
        Assert.Equal(8, report.GetProperty("total").GetInt32());
        var cells = report.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(168, cells.Count);
        Assert.Equal(168, cells.Select(c => (c.GetProperty("weekday").GetInt32(), c.GetProperty("hour").GetInt32())).Distinct().Count());
        Assert.Equal(8, cells.Sum(c => c.GetProperty("count").GetInt32()));
        Assert.Equal(2, Cell(report, 6, 3));  // both Sunday 03:30s
        Assert.Equal(1, Cell(report, 3, 12)); // a fixed +2 would say 11
        Assert.Equal(2, Cell(report, 0, 11)); // a fixed +3 would say 12
        Assert.Equal(1, Cell(report, 0, 12));
        Assert.Equal(1, Cell(report, 1, 0));
        Assert.Equal(1, Cell(report, 3, 0));
        Assert.Equal(0, Cell(report, 0, 23));

        var peaks = report.GetProperty("peaks").EnumerateArray()
            .Select(p => $"{p.GetProperty("weekday").GetInt32()}/{p.GetProperty("hour").GetInt32()}:{p.GetProperty("count").GetInt32()}:{p.GetProperty("share").GetDouble()}")
            .ToArray();
        Assert.Equal(["0/11:2:0.25", "6/3:2:0.25", "0/12:1:0.125", "1/0:1:0.125", "3/0:1:0.125"], peaks);
        // No working hours: the channel is always open.
        Assert.Equal(0, report.GetProperty("outside_hours").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Night_messages_to_a_channel_with_working_hours_count_as_outside_hours_per_integration()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        await Host.SetWeekAsync(tenant, integrationId, WorkingHoursApi.Weekdays("09:00", "18:00"));
        // The week of 2026-11-09 in Kyiv (EET, UTC+2).
        await DeliverAsync(Host, url, secret, 601, Utc("2026-11-10T08:00:00"), Utc("2026-11-10T12:00:00")); // Tue 10:00, 14:00: open
        await DeliverAsync(Host, url, secret, 602, Utc("2026-11-10T18:00:00"), Utc("2026-11-10T18:30:00")); // Tue 20:00, 20:30: closed
        await DeliverAsync(Host, url, secret, 603, Utc("2026-11-10T19:15:00"));                             // Tue 21:15: closed
        await DeliverAsync(Host, url, secret, 604, Utc("2026-11-10T20:40:00"));                             // Tue 22:40: closed
        await DeliverAsync(Host, url, secret, 601, Utc("2026-11-11T07:30:00"));                             // Wed 09:30: open
        await DeliverAsync(Host, url, secret, 605, Utc("2026-11-14T10:00:00"));                             // Sat 12:00: closed all day

        var report = await Host.GetJsonAsync(tenant, $"/api/analytics/peak-hours/?from=2026-11-09&to=2026-11-15&integration={integrationId}");

        Assert.Equal(8, report.GetProperty("total").GetInt32());
        Assert.Equal(5, report.GetProperty("outside_hours").GetProperty("count").GetInt32());
        Assert.Equal(0.625, report.GetProperty("outside_hours").GetProperty("share").GetDouble());
        Assert.Equal(2, Cell(report, 1, 20));
        Assert.Equal(1, Cell(report, 5, 12));

        var recommendations = await Host.GetJsonAsync(tenant, "/api/analytics/recommendations/?from=2026-11-09&to=2026-11-15");
        var extend = recommendations.EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "extend_hours").ToList();
        var tuesday = Assert.Single(extend); // Saturday's single message is below the bar
        Assert.Contains("вівторок", tuesday.GetProperty("title").GetString());
        Assert.Contains("20:00–23:00", tuesday.GetProperty("detail").GetString());
        var evidence = tuesday.GetProperty("evidence");
        Assert.Equal(1, evidence.GetProperty("weekday").GetInt32());
        Assert.Equal(4, evidence.GetProperty("count").GetInt32());
        Assert.Equal(3, evidence.GetProperty("customers").GetInt32()); // one of them wrote twice
        Assert.Equal(["20:2", "21:1", "22:1"],
            evidence.GetProperty("hours").EnumerateArray().Select(h => $"{h.GetProperty("hour").GetInt32()}:{h.GetProperty("count").GetInt32()}").ToArray());
        Assert.Equal("high", tuesday.GetProperty("priority").GetString());
    }

    [Fact]
    public async Task Peak_hours_are_answered_from_the_cache_until_working_hours_change()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        await Host.SetWeekAsync(tenant, integrationId, WorkingHoursApi.Weekdays("09:00", "18:00"));
        await DeliverAsync(Host, url, secret, 611, Utc("2026-11-10T08:00:00"), Utc("2026-11-10T18:00:00")); // Tue 10:00 open, 20:00 closed
        const string path = "/api/analytics/peak-hours/?from=2026-11-09&to=2026-11-15";

        var first = await Host.GetJsonAsync(tenant, path);
        Assert.Equal(1, first.GetProperty("outside_hours").GetProperty("count").GetInt32());
        var cached = Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "peak-hours", "2026-11-09.2026-11-15"));
        Assert.Equal(first.GetRawText(), (await Host.GetJsonAsync(tenant, path)).GetRawText());
        Assert.Equal(cached.ETag, Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "peak-hours", "2026-11-09.2026-11-15")).ETag); // not computed again

        // Open until 22:00 now: the message at 20:00 found the channel open, and the next answer says so at once.
        await Host.SetWeekAsync(tenant, integrationId, WorkingHoursApi.Weekdays("09:00", "22:00"));
        Assert.Equal(0, (await Host.GetJsonAsync(tenant, path)).GetProperty("outside_hours").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Without_dates_the_period_is_the_last_30_days_in_the_profiles_zone()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        var now = fixture.Clock.GetUtcNow();
        await DeliverAsync(Host, url, secret, 701, now.AddHours(-1), now.AddDays(-10), now.AddDays(-40));

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/peak-hours/");

        var today = NodaTime.Instant.FromDateTimeOffset(now).InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Kyiv"]).Date;
        Assert.Equal(today.ToString("yyyy-MM-dd", null), report.GetProperty("to").GetString());
        Assert.Equal(today.PlusDays(-29).ToString("yyyy-MM-dd", null), report.GetProperty("from").GetString());
        Assert.Equal(2, report.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("?from=2026-13-01", "from")]
    [InlineData("?from=1.3.2026", "from")]
    [InlineData("?to=tomorrow", "to")]
    [InlineData("?from=2026-03-10&to=2026-03-01", "from")]
    [InlineData("?from=2025-01-01&to=2026-03-01", "to")]
    [InlineData("?integration=abc", "integration")]
    [InlineData("?integration=-4", "integration")]
    [InlineData("?integration=", "integration")] // empty is a bad value, as on /api/messages/, not an absent one
    [InlineData("?from=", "from")]
    [InlineData("?limit=", "limit")]
    public async Task A_bad_query_is_a_400_naming_the_field(string query, string field)
    {
        var (tenant, _, _, _) = await fixture.ActiveTelegramAsync(plan: "professional");
        foreach (var path in new[] { "/api/analytics/peak-hours/", "/api/analytics/recommendations/", "/api/analytics/top-questions/", "/api/analytics/sentiment/" })
        {
            var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, path + query))).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorFields());
        }
    }

    [Fact]
    public async Task An_integration_the_tenant_does_not_have_is_not_found_and_a_plan_without_analytics_is_refused()
    {
        var (owner, integrationId, _, _) = await fixture.ActiveTelegramAsync(plan: "professional");
        foreach (var path in new[] { "peak-hours", "top-questions", "sentiment", "recommendations" })
        {
            await (await Host.Client.SendAsync(owner.Request(HttpMethod.Get, $"/api/analytics/{path}/?integration={integrationId + 100}")))
                .ProblemAsync(HttpStatusCode.NotFound);
        }
        await Host.GetJsonAsync(owner, $"/api/analytics/peak-hours/?integration={integrationId}");

        var starter = await Host.RegisterAsync(plan: "starter");
        foreach (var path in new[] { "/api/analytics/peak-hours/", "/api/analytics/sentiment/", "/api/analytics/recommendations/", "/api/analytics/top-questions/" })
        {
            var problem = await (await Host.Client.SendAsync(starter.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        }
    }
}
