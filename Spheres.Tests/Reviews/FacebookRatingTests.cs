using System.Text.Json;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Reviews;

/// <summary>Facebook Page ratings in Meta page deliveries become reviews of the page's tenant.</summary>
public sealed class FacebookRatingTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<(TenantSession Tenant, string PageId)> PageAsync(string? plan)
    {
        var pageId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();
        var tenant = await Host.RegisterAsync(plan: plan);
        var integration = await Host.CreateIntegrationAsync(tenant, "facebook-messenger",
            new Dictionary<string, string> { ["page_id"] = pageId },
            new Dictionary<string, string> { ["page_access_token"] = (await FakeProviderAccounts.Shared).TokenFor("facebook-messenger", pageId) });
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return (tenant, pageId);
    }

    private static string RatingsDelivery(string pageId, params object[] values) => JsonSerializer.Serialize(new
    {
        @object = "page",
        entry = new[] { new { id = pageId, time = 1_780_000_000, changes = values.Select(v => new { field = "ratings", value = v }).ToArray() } },
    });

    [Fact]
    public async Task A_page_rating_with_text_is_stored_once_as_a_facebook_review_and_analysed()
    {
        var (tenant, pageId) = await PageAsync("professional");
        var story = "story-" + Guid.NewGuid().ToString("N");
        var body = RatingsDelivery(pageId,
            new { verb = "add", item = "rating", rating = 5, review_text = "Колір зіпсували, волосся спалене", reviewer_name = "Оксана", reviewer_id = "42",
                  open_graph_story_id = story, created_time = 1_780_000_000 },
            new { verb = "add", item = "rating", recommendation_type = "positive", reviewer_id = "43", created_time = 1_780_000_100 }); // no text: skipped

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body))); // Meta retries

        await ReviewFixture.WaitAnalysedAsync(Host, tenant);
        var review = Assert.Single((await Host.GetJsonAsync(tenant, "/api/reviews/")).GetProperty("results").EnumerateArray());
        Assert.Equal("facebook", review.GetProperty("source").GetString());
        Assert.Equal(story, review.GetProperty("external_id").GetString());
        Assert.Equal("Оксана", review.GetProperty("author").GetString());
        Assert.Equal(5, review.GetProperty("rating").GetInt32());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_780_000_000), review.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal("negative", review.GetProperty("sentiment").GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_rating_in_another_shape_is_skipped_and_the_others_of_the_delivery_are_stored()
    {
        var (tenant, pageId) = await PageAsync("professional");
        object Rating(string story, object created) => new { verb = "add", rating = 4, review_text = "Гарно, дякую", reviewer_id = "9", open_graph_story_id = story, created_time = created };
        var body = JsonSerializer.Serialize(new
        {
            @object = "page",
            entry = new object[]
            {
                new { id = 12345, changes = new[] { new { field = "ratings", value = Rating("s-bad-entry", 1_780_000_000) } } }, // a numeric page id
                new
                {
                    id = pageId,
                    changes = new object[]
                    {
                        new { field = "ratings", value = Rating("s-1", 1_780_000_000) },
                        new { field = "ratings", value = "not an object" },
                        new { field = "ratings", value = Rating("s-bad-time", "yesterday") },
                        new { field = "ratings", value = Rating("s-far", 99_999_999_999_999) },
                        "not a change",
                        new { field = "ratings", value = Rating("s-2", 1_780_000_100) },
                    },
                },
            },
        });
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body)));

        var stored = (await Host.GetJsonAsync(tenant, "/api/reviews/")).GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("external_id").GetString()).Order();
        Assert.Equal(["s-1", "s-2"], stored);
    }

    [Fact]
    public async Task A_rating_for_a_tenant_without_reviews_in_its_plan_is_acknowledged_and_not_stored()
    {
        var (tenant, pageId) = await PageAsync(plan: "starter");
        var body = RatingsDelivery(pageId, new { verb = "add", rating = 4, review_text = "Nice", reviewer_id = "7", open_graph_story_id = "s-7", created_time = 1_780_000_000 });
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body)));

        await Host.SetPlanAsync(tenant.TenantId, "professional");
        Assert.Empty((await Host.GetJsonAsync(tenant, "/api/reviews/")).GetProperty("results").EnumerateArray());
    }
}
