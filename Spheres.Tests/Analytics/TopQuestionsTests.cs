using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Reviews;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Analytics;

/// <summary>
/// Top questions end to end: the labelled week (Data/questions.json) delivered through the Telegram webhook of a
/// professional tenant in Kyiv, embedded by the embeddings queue, then read back as the owner's top questions and
/// recommendations; and the cache that answers requests until new data is embedded.
/// </summary>
public sealed class TopQuestionsTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private const string Week = "from=2026-11-16&to=2026-11-22";
    private static long _nextUpdateId = 8_200_000;

    private TestHost Host => fixture.Host;

    private static async Task DeliverAsync(TestHost host, string url, string secret, long chatId, string text, DateTimeOffset at) =>
        await WebhookFixture.OkAsync(await WebhookFixture.DeliverWithRetriesAsync(host, url, secret,
            Deliveries.TelegramUpdate(Interlocked.Increment(ref _nextUpdateId), chatId, text, at)));

    /// <summary>Message id → the labelled question it was delivered as (texts in the set are unique).</summary>
    private async Task<Dictionary<string, LabelledQuestion>> DeliveredAsync(TenantSession tenant)
    {
        var byText = LabelledQuestion.All.ToDictionary(q => q.Text);
        var ids = new Dictionary<string, LabelledQuestion>();
        for (var next = "/api/messages/?limit=200"; next is not null;)
        {
            var page = await Host.GetJsonAsync(tenant, next);
            foreach (var m in page.GetProperty("results").EnumerateArray()) ids[m.GetProperty("id").GetString()!] = byText[m.GetProperty("text").GetString()!];
            next = page.GetProperty("next").GetString();
        }
        return ids;
    }

    [Fact]
    public async Task The_labelled_week_comes_back_as_its_top_intents_in_order_with_greetings_left_out_and_saturday_demand_as_extend_hours()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        await Host.SetWeekAsync(tenant, integrationId, WorkingHoursApi.Weekdays("09:00", "18:00")); // closed at weekends
        var set = LabelledQuestion.All;
        for (var i = 0; i < set.Count; i++) await DeliverAsync(Host, url, secret, 30_000 + i % 120, set[i].Text, set[i].SentAtUtc);
        await ReviewFixture.DrainEmbeddingsAsync(Host);

        var report = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}&limit=50");

        var delivered = await DeliveredAsync(tenant);
        Assert.Equal(set.Count, delivered.Count);
        var questions = set.Count(q => q.IsQuestion);
        Assert.Equal(questions, report.GetProperty("total").GetInt32());
        var clusters = report.GetProperty("clusters").EnumerateArray().ToList();
        var members = clusters.Select(c => c.GetProperty("message_ids").EnumerateArray().Select(id => delivered[id.GetString()!]).ToList()).ToList();
        Assert.DoesNotContain(members.SelectMany(m => m), q => !q.IsQuestion);

        var trueTop = set.Where(q => q.IsQuestion).GroupBy(q => q.Intent).OrderByDescending(g => g.Count()).Select(g => g.Key).Take(5).ToList();
        Assert.Equal(trueTop, members.Take(5).Select(m => m.GroupBy(q => q.Intent).MaxBy(g => g.Count())!.Key).ToList());
        var purity = (double)members.Sum(m => m.GroupBy(q => q.Intent).Max(g => g.Count())) / members.Sum(m => m.Count);
        Assert.True(purity >= TopQuestionsQualityTests.MinPurity, $"purity {purity:0.000}");

        var top = clusters[0];
        Assert.Equal(top.GetProperty("message_ids").GetArrayLength(), top.GetProperty("count").GetInt32());
        Assert.Equal(Math.Round((double)top.GetProperty("count").GetInt32() / questions, 4), top.GetProperty("share").GetDouble());
        // The same question in four languages is one cluster, Ukrainian (most customers) first.
        Assert.Equal(["en", "pl", "ru", "uk"], top.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("uk", top.GetProperty("languages")[0].GetString());
        Assert.InRange(top.GetProperty("label").GetString()!.Length, 5, 60);
        Assert.Equal(3, top.GetProperty("examples").GetArrayLength());
        Assert.True(clusters.Zip(clusters.Skip(1)).All(p => p.First.GetProperty("count").GetInt32() >= p.Second.GetProperty("count").GetInt32()));

        var three = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}&limit=3");
        Assert.Equal(3, three.GetProperty("clusters").GetArrayLength());
        Assert.Equal(Math.Min(10, clusters.Count), (await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}")).GetProperty("clusters").GetArrayLength());

        var recommendations = (await Host.GetJsonAsync(tenant, $"/api/analytics/recommendations/?{Week}")).EnumerateArray().ToList();
        var extend = recommendations.First(r => r.GetProperty("kind").GetString() == "extend_hours");
        Assert.Equal(5, extend.GetProperty("evidence").GetProperty("weekday").GetInt32());
        Assert.Contains("суботу", extend.GetProperty("title").GetString());
        var answer = recommendations.Where(r => r.GetProperty("kind").GetString() == "answer_top_question").ToList();
        Assert.Equal(3, answer.Count);
        Assert.Equal(top.GetProperty("label").GetString(), answer[0].GetProperty("evidence").GetProperty("question").GetString());
        Assert.Equal(top.GetProperty("count").GetInt32(), answer[0].GetProperty("evidence").GetProperty("count").GetInt32());
        Assert.StartsWith("Навчіть агента відповідати", answer[0].GetProperty("title").GetString());
        Assert.Equal("high", answer[0].GetProperty("priority").GetString());
    }

    [Fact]
    public async Task A_request_is_answered_from_the_cache_until_a_new_question_is_embedded_and_never_embeds_itself()
    {
        var (tenant, telegramId, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        var at = DateTimeOffset.Parse("2026-11-18T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await DeliverAsync(Host, url, secret, 801, "Скільки коштує манікюр?", at);
        await DeliverAsync(Host, url, secret, 802, "Яка ціна на манікюр з покриттям?", at.AddMinutes(5));
        await DeliverAsync(Host, url, secret, 803, "Дякую!", at.AddMinutes(6));
        await ReviewFixture.DrainEmbeddingsAsync(Host);

        var first = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}");
        Assert.Equal(2, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("clusters")[0].GetProperty("count").GetInt32());
        // ?integration= narrows to that channel's messages (each filter is its own cache entry).
        var zoom = (await Host.CreateIntegrationAsync(tenant, "zoom")).Id();
        var ofZoom = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}&integration={zoom}");
        Assert.Equal((0, 0), (ofZoom.GetProperty("total").GetInt32(), ofZoom.GetProperty("clusters").GetArrayLength()));
        Assert.Equal(2, (await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}&integration={telegramId}")).GetProperty("total").GetInt32());
        var cached = await CachedRowAsync(tenant.TenantId);
        var again = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}");
        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(cached.ETag, (await CachedRowAsync(tenant.TenantId)).ETag); // answered from the cache, not computed again

        // A new question not embedded yet: the request neither counts it nor embeds it.
        await DeliverAsync(Host, url, secret, 804, "Скільки коштує педикюр?", at.AddHours(1));
        Assert.Equal(2, (await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}")).GetProperty("total").GetInt32());
        var messages = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, CancellationToken.None);
        Assert.Single(messages.Query<TableEntity>($"PartitionKey eq '{tenant.TenantId}' and Text eq 'Скільки коштує педикюр?'"), m => m.GetString("VectorModel") is null);

        // Once the queue embeds it the stamp changes, and the next request counts it.
        await ReviewFixture.DrainEmbeddingsAsync(Host);
        var after = await Host.GetJsonAsync(tenant, $"/api/analytics/top-questions/?{Week}");
        Assert.Equal(3, after.GetProperty("total").GetInt32());
        Assert.Equal(3, after.GetProperty("clusters")[0].GetProperty("count").GetInt32());
        Assert.NotEqual(cached.ETag, (await CachedRowAsync(tenant.TenantId)).ETag);
    }

    [Fact]
    public async Task The_default_period_is_computed_off_the_request_path_when_messages_are_embedded()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        var now = fixture.Clock.GetUtcNow();
        await DeliverAsync(Host, url, secret, 901, "Where are you located?", now.AddHours(-2));
        await DeliverAsync(Host, url, secret, 902, "What's your address?", now.AddHours(-1));
        await ReviewFixture.DrainEmbeddingsAsync(Host);

        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Analytics, CancellationToken.None);
        var precomputed = Assert.Single(table.Query<TableEntity>($"PartitionKey eq '{tenant.TenantId}' and RowKey ge 'top-questions' and RowKey lt 'top-questions~'"));
        // Peak hours and sentiment of the default period are ready too.
        Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "peak-hours"));
        Assert.Single(await AnalyticsCacheRows.OfAsync(Host, tenant.TenantId, "sentiment"));
        var report = await Host.GetJsonAsync(tenant, "/api/analytics/top-questions/");
        Assert.Equal(2, report.GetProperty("total").GetInt32());
        Assert.Equal(precomputed.ETag, Assert.Single(table.Query<TableEntity>($"PartitionKey eq '{tenant.TenantId}' and RowKey ge 'top-questions' and RowKey lt 'top-questions~'")).ETag);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=51")]
    [InlineData("?limit=ten")]
    public async Task A_bad_limit_is_a_400_naming_it(string query)
    {
        var (tenant, _, _, _) = await fixture.ActiveTelegramAsync(plan: "professional");
        var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/analytics/top-questions/" + query))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["limit"], problem.ErrorFields());
    }

    /// <summary>The cached answer for the whole tenant (not one integration) of the test week.</summary>
    private async Task<TableEntity> CachedRowAsync(string tenantId)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Analytics, CancellationToken.None);
        return Assert.Single(table.Query<TableEntity>($"PartitionKey eq '{tenantId}' and RowKey ge 'top-questions.' and RowKey lt 'top-questions/'"),
            row => row.GetString("Key")?.EndsWith(".2026-11-16.2026-11-22.all", StringComparison.Ordinal) == true);
    }
}
