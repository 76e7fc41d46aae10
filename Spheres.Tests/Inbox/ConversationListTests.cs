using System.Net;
using System.Text.Json;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;

namespace Spheres.Tests.Inbox;

/// <summary>The conversation list and a conversation's messages: filters, unread, close and reopen, paging, and other tenants.</summary>
public sealed class ConversationListTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private TestHost Host => fixture.Host;

    private static string IdOf(IEnumerable<JsonElement> conversations, string customer) =>
        conversations.Single(c => c.GetProperty("customer").GetProperty("id").GetString() == customer).GetProperty("id").GetString()!;

    private static IEnumerable<string?> Customers(IEnumerable<JsonElement> conversations) =>
        conversations.Select(c => c.GetProperty("customer").GetProperty("id").GetString());

    [Fact]
    public async Task Unread_counts_until_read_and_a_closed_conversation_reopens_when_the_customer_writes_again()
    {
        var (tenant, integrationId, _, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, 740_001, 8801, "Перше");
        await fixture.TelegramAsync(url, secret, 740_002, 8801, "Друге");
        await fixture.TelegramAsync(url, secret, 740_003, 8802, "Третє");

        var all = await Host.ConversationsAsync(tenant);
        Assert.Equal(["8802", "8801"], Customers(all)); // newest activity first
        Assert.Equal([1, 2], all.Select(c => c.GetProperty("unread").GetInt32()));
        var (first, second) = (IdOf(all, "8801"), IdOf(all, "8802"));

        Assert.Equal(0, (await Host.ActionAsync(tenant, first, "read")).GetProperty("unread").GetInt32());
        Assert.Equal(["8802"], Customers(await Host.ConversationsAsync(tenant, "?unread=true")));
        Assert.Equal(["8802", "8801"], Customers(await Host.ConversationsAsync(tenant, "?unread=false")));

        Assert.Equal("closed", (await Host.ActionAsync(tenant, second, "close")).GetProperty("status").GetString());
        Assert.Equal(["8802"], Customers(await Host.ConversationsAsync(tenant, "?status=closed")));
        Assert.Equal(["8801"], Customers(await Host.ConversationsAsync(tenant, "?status=agent")));

        await fixture.TelegramAsync(url, secret, 740_004, 8802, "Четверте");
        var reopened = await Host.GetJsonAsync(tenant, $"/api/conversations/{second}/");
        Assert.Equal(("agent", 2, 2, "Четверте"), (reopened.GetProperty("status").GetString(), reopened.GetProperty("unread").GetInt32(),
            reopened.GetProperty("messages_count").GetInt32(), reopened.GetProperty("last_message_preview").GetString()));
        Assert.Empty(await Host.ConversationsAsync(tenant, "?status=closed"));
        Assert.Equal(2, (await Host.ConversationsAsync(tenant, $"?integration={integrationId}&status=agent")).Count);

        var paged = await Host.GetJsonAsync(tenant, "/api/conversations/?limit=1");
        Assert.Equal(["8802"], Customers(paged.GetProperty("results").EnumerateArray()));
        var rest = await Host.GetJsonAsync(tenant, paged.GetProperty("next").GetString()!);
        Assert.Equal(["8801"], Customers(rest.GetProperty("results").EnumerateArray()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task A_conversation_of_510_messages_comes_in_order_over_pages()
    {
        var (tenant, _, _, url, secret) = await fixture.ActiveTelegramAsync();
        const int count = 510;
        for (var i = 0; i < count; i++) await fixture.TelegramAsync(url, secret, 750_000 + i, 9901, $"повідомлення {i}");
        await Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue); // no agent here to read them
        tenant = await Host.SignInAgainAsync(tenant); // the customer took 25 minutes of the fake clock

        var conversation = Assert.Single(await Host.ConversationsAsync(tenant));
        Assert.Equal((count, count), (conversation.GetProperty("messages_count").GetInt32(), conversation.GetProperty("unread").GetInt32()));
        var items = await Host.ItemsAsync(tenant, conversation.GetProperty("id").GetString()!, limit: 200);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"повідомлення {i}"), items.Select(i => i.GetProperty("text").GetString()));
        Assert.All(items, i => Assert.Equal("inbound", i.GetProperty("direction").GetString()));
    }

    [Fact]
    public async Task Another_tenants_conversation_is_404_everywhere_and_bad_input_is_refused_without_a_change()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, 760_001, 7701, "Добрий день");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        var other = await Host.RegisterAsync();

        Assert.Empty(await Host.ConversationsAsync(other));
        foreach (var path in new[] { $"/api/conversations/{id}/", $"/api/conversations/{id}/messages/" })
            await (await Host.Client.SendAsync(other.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Host.ReplyAsync(other, id, new { text = "Привіт" })).ProblemAsync(HttpStatusCode.NotFound);
        foreach (var action in new[] { "handback", "close", "read" })
            await (await Host.Client.SendAsync(other.Request(HttpMethod.Post, $"/api/conversations/{id}/{action}/"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Host.Client.SendAsync(other.Request(HttpMethod.Get, $"/api/conversations/?integration={integrationId}")))
            .ProblemAsync(HttpStatusCode.NotFound);

        foreach (var bad in new[] { "not-a-conversation", id.ToUpperInvariant(), id + "0", "%2e%2e" })
            await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/conversations/{bad}/"))).ProblemAsync(HttpStatusCode.NotFound);
        foreach (var (query, field) in new[] { ("?status=open", "status"), ("?unread=yes", "unread"), ("?limit=0", "limit"), ("?cursor=zzz", "cursor"),
                     ("?integration=x", "integration") })
        {
            var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/conversations/" + query))).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query} names {field}");
        }
        // A cursor of the conversation list is not one of its messages.
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/conversations/{id}/messages/?cursor=YS0x"))).ProblemAsync(HttpStatusCode.BadRequest);
        foreach (var body in new object[] { new { text = "" }, new { text = "   " }, new { text = new string('x', 4097) }, new { } })
        {
            var problem = await (await Host.ReplyAsync(tenant, id, body)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("text", out _));
        }

        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Empty(fixture.SendsOf(token));
        var unchanged = await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/");
        Assert.Equal(("agent", 1), (unchanged.GetProperty("status").GetString(), unchanged.GetProperty("unread").GetInt32()));
        Assert.Equal(["inbound"], (await Host.ItemsAsync(tenant, id)).Select(i => i.GetProperty("direction").GetString()));
    }
}
