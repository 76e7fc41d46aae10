using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

public sealed class MessageListTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task Messages_come_newest_first_in_pages_that_link_to_the_next()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync();
        // Written minutes apart before they arrived: lists order by when the customer wrote.
        var start = fixture.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
                Deliveries.TelegramUpdate(700_001 + i, 1, $"message {i}", start.AddMinutes(i - 10)))));
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
        Assert.Equal(JsonValueKind.Null, filtered.GetProperty("next").ValueKind);
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
        // The first tenant's Telegram is its integration 2 and holds a real message; the second has only its integration 1.
        var first = await fixture.Host.RegisterAsync(plan: "starter");
        Assert.Equal(1, (await fixture.Host.CreateIntegrationAsync(first, "booksy")).Id());
        var (_, integrationId, url, secret) = await fixture.ActiveTelegramAsync(tenant: first);
        Assert.Equal(2, integrationId);
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(880_001, 1, "private to the first", fixture.Clock.GetUtcNow()))));
        var second = await fixture.Host.RegisterAsync(plan: "starter");
        Assert.Equal(1, (await fixture.Host.CreateIntegrationAsync(second, "telegram")).Id());

        Assert.Equal(["private to the first"], (await fixture.MessagesAsync(first)).GetProperty("results").Strings("text"));
        Assert.Equal(["private to the first"], (await fixture.MessagesAsync(first, $"?integration={integrationId}")).GetProperty("results").Strings("text"));
        Assert.Empty((await fixture.MessagesAsync(second)).GetProperty("results").EnumerateArray());
        await (await fixture.Host.Client.SendAsync(second.Request(HttpMethod.Get, $"/api/messages/?integration={integrationId}"))).ProblemAsync(HttpStatusCode.NotFound);

        // Once the second has an integration 2 of its own, that id shows the second's messages (none), not the first's.
        Assert.Equal(2, (await fixture.Host.CreateIntegrationAsync(second, "instagram")).Id());
        Assert.Empty((await fixture.MessagesAsync(second, $"?integration={integrationId}")).GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task A_message_stored_before_attachments_existed_reads_back_with_none()
    {
        var tenant = await fixture.Host.RegisterAsync();
        var storage = fixture.Host.Services.GetRequiredService<SpheresStorage>();
        var table = await storage.TableAsync(TableNames.Messages, default);
        // Both rows exactly as the store wrote them before the content model: no Attachments, Payload, ReplyTo, EditedAt or Deleted column.
        const string id = "0123456789abcdef01234567";
        var at = fixture.Clock.GetUtcNow();
        var key = "m-" + (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19") + "-" + id;
        await table.AddEntityAsync(new TableEntity(tenant.TenantId, "id-" + id) { ["MessageKey"] = key, ["IdentityOf"] = at });
        await table.AddEntityAsync(new TableEntity(tenant.TenantId, key)
        {
            ["Id"] = id, ["IntegrationId"] = 1, ["Provider"] = "telegram", ["ExternalId"] = "990001", ["Sender"] = "42", ["Text"] = "старе",
            ["SentAt"] = at, ["ReceivedAt"] = at, ["Decision"] = "Agent", ["Enqueued"] = true, ["ClaimedUntil"] = at,
        });

        var message = await fixture.Host.GetJsonAsync(tenant, $"/api/messages/{id}/");
        Assert.Equal("старе", message.GetProperty("text").GetString());
        Assert.Empty(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("payload").ValueKind);
        Assert.Equal(JsonValueKind.Null, message.GetProperty("reply_to").ValueKind);
        Assert.Equal(JsonValueKind.Null, message.GetProperty("edited_at").ValueKind);
        Assert.False(message.GetProperty("deleted").GetBoolean());
    }
}
