using System.Net;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

public sealed class MessageListTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task Messages_come_newest_first_in_pages_that_link_to_the_next()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync();
        var start = fixture.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
                Deliveries.TelegramUpdate(700_000 + i, 1, $"message {i}", start.AddMinutes(i)))));
        }

        var texts = new List<string>();
        string? next = "/api/messages/?limit=2";
        var pages = 0;
        while (next is not null && pages++ < 10)
        {
            var page = await fixture.Host.GetJsonAsync(tenant, next);
            texts.AddRange(page.GetProperty("results").Strings("text"));
            next = page.GetProperty("next").GetString();
        }

        Assert.Equal(["message 4", "message 3", "message 2", "message 1", "message 0"], texts);
        var filtered = await fixture.Host.GetJsonAsync(tenant, $"/api/messages/?integration={integrationId}&limit=100");
        Assert.Equal(5, filtered.GetProperty("results").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, filtered.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?integration=x", "integration")]
    [InlineData("?cursor=%%%", "cursor")]
    public async Task Bad_query_values_are_400(string query, string field)
    {
        var tenant = await fixture.Host.RegisterAsync();
        var problem = await (await fixture.Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/messages/" + query))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Another_tenants_messages_and_integration_are_out_of_reach()
    {
        var (first, integrationId, url, secret) = await fixture.ActiveTelegramAsync();
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(880_001, 1, "private", fixture.Clock.GetUtcNow()))));
        var second = await fixture.Host.RegisterAsync();

        Assert.Empty((await fixture.MessagesAsync(second)).GetProperty("results").EnumerateArray());
        await (await fixture.Host.Client.SendAsync(second.Request(HttpMethod.Get, $"/api/messages/?integration={integrationId + 100}"))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Single((await fixture.MessagesAsync(first)).GetProperty("results").EnumerateArray());
    }
}
