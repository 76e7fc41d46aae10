using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Plans;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;

namespace Spheres.Tests.Inbox;

/// <summary>A human taking a conversation over from the agent, and giving it back (API.md, Inbox), through DevHost with its queue triggers on.</summary>
public sealed class HumanTakeoverTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private TestHost Host => fixture.Host;

    private Task<List<JsonElement>> HandedToAgentAsync() => Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue);

    /// <summary>The newest stored message of each provider.</summary>
    private async Task<Dictionary<string, JsonElement>> NewestByProviderAsync(TenantSession tenant) =>
        (await Host.GetJsonAsync(tenant, "/api/messages/?limit=50")).GetProperty("results").EnumerateArray()
        .GroupBy(m => m.GetProperty("provider").GetString()!).ToDictionary(g => g.Key, g => g.First());

    [Fact]
    public async Task Two_customers_on_two_channels_make_two_conversations_and_a_human_reply_turns_the_agent_off_for_that_customer_only()
    {
        var (tenant, telegramId, token, url, secret) = await fixture.ActiveTelegramAsync();
        var phoneNumberId = ReplyFixture.NewAccountId();
        var whatsAppId = await fixture.AddWhatsAppAsync(tenant, phoneNumberId);
        await HandedToAgentAsync(); // what other tests left

        await fixture.TelegramAsync(url, secret, 720_001, 5501, "Можна перенести запис?");
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.WhatsAppAsync(phoneNumberId, "380501112233", "Petro Shevchenko", "Скільки коштує стрижка?");

        var conversations = await Host.ConversationsAsync(tenant);
        Assert.Equal(2, conversations.Count);
        var (whatsApp, telegram) = (conversations[0], conversations[1]); // newest activity first
        Assert.Equal(("whatsapp", whatsAppId, "380501112233", "Petro Shevchenko", "Скільки коштує стрижка?"), Summary(whatsApp));
        Assert.Equal(("telegram", telegramId, "5501", "Оксана", "Можна перенести запис?"), Summary(telegram));
        foreach (var c in conversations)
        {
            Assert.Equal("agent", c.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, c.GetProperty("assignee").ValueKind);
            Assert.Equal(1, c.GetProperty("unread").GetInt32());
            Assert.Equal(1, c.GetProperty("messages_count").GetInt32());
        }
        var telegramConversation = telegram.GetProperty("id").GetString()!;
        Assert.Equal(["whatsapp"], (await Host.ConversationsAsync(tenant, $"?integration={whatsAppId}")).Select(c => c.GetProperty("provider").GetString()));
        Assert.Equal(["telegram"], (await Host.ConversationsAsync(tenant, $"?integration={telegramId}")).Select(c => c.GetProperty("provider").GetString()));
        var used = await Host.UsageAsync(tenant);

        const string humanText = "Так, я перенесу вас особисто";
        var reply = await (await Host.ReplyAsync(tenant, telegramConversation, new { text = humanText })).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(("outbound", "human", "pending"), (reply.GetProperty("direction").GetString(), reply.GetProperty("author").GetString(),
            reply.GetProperty("status").GetString()));
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the human reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        var send = Assert.Single(fixture.SendsOf(token));
        Assert.Equal(5501, send.Body.GetProperty("chat_id").GetInt64());
        Assert.Equal(humanText, send.Body.GetProperty("text").GetString());
        var held = await Host.GetJsonAsync(tenant, $"/api/conversations/{telegramConversation}/");
        Assert.Equal(("human", "owner", 0), (held.GetProperty("status").GetString(), held.GetProperty("assignee").GetString(), held.GetProperty("unread").GetInt32()));
        // The reply is the conversation's newest activity: first in the list, with its text as the preview.
        Assert.Equal(humanText, held.GetProperty("last_message_preview").GetString());
        Assert.Equal(telegramConversation, (await Host.ConversationsAsync(tenant))[0].GetProperty("id").GetString());

        await fixture.TelegramAsync(url, secret, 720_002, 5501, "Дякую, чекаю");
        await fixture.WhatsAppAsync(phoneNumberId, "380501112233", "Petro Shevchenko", "А манікюр?");

        var newest = await NewestByProviderAsync(tenant);
        Assert.Equal("human", newest["telegram"].Decision());
        Assert.Equal("agent", newest["whatsapp"].Decision());
        // The filters together: one channel's conversation a human holds, the other's with the agent.
        Assert.Equal([telegramConversation], (await Host.ConversationsAsync(tenant, $"?integration={telegramId}&status=human")).Select(c => c.GetProperty("id").GetString()));
        Assert.Empty(await Host.ConversationsAsync(tenant, $"?integration={whatsAppId}&status=human"));
        Assert.Equal(["whatsapp"], (await Host.ConversationsAsync(tenant, "?status=agent")).Select(c => c.GetProperty("provider").GetString()));
        Assert.Equal(used + 2, await Host.UsageAsync(tenant)); // the human's messages count as the agent's do
        // Everything but the message written after the human's reply.
        Assert.Equal(["Можна перенести запис?", "Скільки коштує стрижка?", "А манікюр?"],
            (await HandedToAgentAsync()).Select(m => m.GetProperty("text").GetString()));
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token)); // nothing answered the customer besides the human

        var items = await Host.ItemsAsync(tenant, telegramConversation);
        Assert.Equal(["inbound:agent:Можна перенести запис?", "outbound:human:" + humanText, "inbound:human:Дякую, чекаю"], items.Select(Line));
        Assert.Equal("sent", items[1].GetProperty("status").GetString());
        var now = await Host.GetJsonAsync(tenant, $"/api/conversations/{telegramConversation}/");
        Assert.Equal((1, 2, "Дякую, чекаю"), (now.GetProperty("unread").GetInt32(), now.GetProperty("messages_count").GetInt32(),
            now.GetProperty("last_message_preview").GetString()));

        var back = await Host.ActionAsync(tenant, telegramConversation, "handback");
        Assert.Equal("agent", back.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("assignee").ValueKind);
        await fixture.TelegramAsync(url, secret, 720_003, 5501, "Ще питання");
        Assert.Equal("agent", (await NewestByProviderAsync(tenant))["telegram"].Decision());
        Assert.Equal(["Ще питання"], (await HandedToAgentAsync()).Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Out_of_hours_a_human_conversation_gets_no_automatic_reply_until_the_handback_hours_pass()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        await fixture.TelegramAsync(url, secret, 730_001, 6601, "Ви працюєте?");
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 1), "the out-of-hours reply reached Telegram");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;

        await (await Host.ReplyAsync(tenant, id, new { text = "Завтра працюємо, я вас запишу" })).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 2), "the human reply reached Telegram");
        await fixture.TelegramAsync(url, secret, 730_002, 6601, "Дякую!");
        var held = await fixture.OnlyNewestAsync(tenant);
        Assert.Equal("human", held.Decision());
        Assert.Equal(JsonValueKind.Null, held.GetProperty("reply").ValueKind);
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Equal(2, fixture.SendsOf(token).Count());
        Assert.Single(await Host.ConversationsAsync(tenant, "?status=human"));

        // Spheres:Inbox:HandbackHours, 24 by default: five minutes before, the human still holds it.
        fixture.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5));
        tenant = await Host.SignInAgainAsync(tenant);
        await fixture.TelegramAsync(url, secret, 730_010, 6601, "Ви ще тут?");
        Assert.Equal("human", (await fixture.OnlyNewestAsync(tenant)).Decision());
        Assert.Single(await Host.ConversationsAsync(tenant, "?status=human"));
        fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("agent", (await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/")).GetProperty("status").GetString());
        Assert.Empty(await Host.ConversationsAsync(tenant, "?status=human"));
        Assert.Single(await Host.ConversationsAsync(tenant, "?status=agent"));
        await fixture.TelegramAsync(url, secret, 730_003, 6601, "Ще одне питання");
        Assert.Equal("out_of_hours", (await fixture.OnlyNewestAsync(tenant)).Decision());
    }

    [Fact]
    public async Task After_Metas_24_hours_a_human_reply_is_a_409_and_nothing_is_queued_or_sent()
    {
        var pageId = ReplyFixture.NewAccountId();
        var (tenant, _, token) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", pageId, "page_access_token");
        const string psid = "7654321098765432";
        await fixture.MessengerAsync(pageId, psid, "Hello, are you there?");
        var conversation = Assert.Single(await Host.ConversationsAsync(tenant));
        Assert.Equal(psid, conversation.GetProperty("customer").GetProperty("name").GetString()); // the sender id until a name is known
        var id = conversation.GetProperty("id").GetString()!;

        fixture.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        tenant = await Host.SignInAgainAsync(tenant);
        var problem = await (await Host.ReplyAsync(tenant, id, new { text = "Sorry for the wait!" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.EndsWith("window-closed", problem.GetProperty("type").GetString());
        Assert.Contains("24 hours", problem.GetProperty("detail").GetString());
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.DoesNotContain(fixture.Graph.Sends, s => s.Account == pageId);
        Assert.Equal(["inbound"], (await Host.ItemsAsync(tenant, id)).Select(i => i.GetProperty("direction").GetString()));
        var unchanged = await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/");
        Assert.Equal(("agent", 1), (unchanged.GetProperty("status").GetString(), unchanged.GetProperty("unread").GetInt32()));
        var export = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/accounts/export/"))).JsonAsync();
        Assert.Empty(export.GetProperty("human_replies").EnumerateArray()); // no reply row was written either

        await fixture.MessengerAsync(pageId, psid, "Hello again");
        await (await Host.ReplyAsync(tenant, id, new { text = "Sorry for the wait!" })).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.Graph.Sends.Any(s => s.Account == pageId)), "the reply reached Messenger");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        var send = Assert.Single(fixture.Graph.Sends, s => s.Account == pageId);
        Assert.Equal($"Bearer {token}", send.Authorization);
        Assert.Contains(psid, send.BodyText);
        Assert.Contains("Sorry for the wait!", send.BodyText);
    }

    [Fact]
    public async Task The_export_holds_the_conversations_and_the_owners_own_replies()
    {
        var (tenant, _, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, 770_001, 4411, "Чи є запис на суботу?");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        await (await Host.ReplyAsync(tenant, id, new { text = "Є, о 12:00" })).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the human reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var export = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/accounts/export/"))).JsonAsync();

        var conversation = Assert.Single(export.GetProperty("conversations").EnumerateArray());
        Assert.Equal(("4411", "Оксана", "human", 1), (conversation.GetProperty("customer_id").GetString(), conversation.GetProperty("customer_name").GetString(),
            conversation.GetProperty("status").GetString(), conversation.GetProperty("messages_count").GetInt32()));
        var reply = Assert.Single(export.GetProperty("human_replies").EnumerateArray());
        Assert.Equal(("Є, о 12:00", "Sent", "4411"), (reply.GetProperty("text").GetString(), reply.GetProperty("status").GetString(),
            reply.GetProperty("recipient").GetString()));
    }

    [Fact]
    public async Task A_conversations_items_say_who_wrote_each_reply_and_what_it_answers()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, 735_001, 6701, "Скільки коштує фарбування?");
        var asked = (await fixture.OnlyNewestAsync(tenant)).GetProperty("id").GetString()!;
        await fixture.Queue(TableNames.AgentRepliesQueue).SendMessageAsync(JsonSerializer.Serialize(new
        {
            message_id = asked, tenant_id = tenant.TenantId, integration_id = integrationId, text = "Від 1200 грн",
        }));
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 1), "the agent's reply reached Telegram");
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        await fixture.TelegramAsync(url, secret, 735_002, 6701, "А ви зараз працюєте?");
        var late = (await fixture.OnlyNewestAsync(tenant)).GetProperty("id").GetString()!;
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 2), "the out-of-hours reply reached Telegram");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        var human = await (await Host.ReplyAsync(tenant, id, new { text = "Я на зв'язку, запишу вас" })).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 3), "the human reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var items = await Host.ItemsAsync(tenant, id);
        Assert.Equal(["inbound:agent:", "outbound:agent:sent", "inbound:out_of_hours:", "outbound:out_of_hours:sent", "outbound:human:sent"],
            items.Select(i => $"{i.GetProperty("direction").GetString()}:{i.GetProperty("decision").GetString() ?? i.GetProperty("author").GetString()}:" +
                i.GetProperty("status").GetString()));
        Assert.Equal([null, asked, null, late, null], items.Select(i => i.GetProperty("in_reply_to").GetString()));
        Assert.Equal(["Скільки коштує фарбування?", "Від 1200 грн"], items.Take(2).Select(i => i.GetProperty("text").GetString()));
        Assert.Equal(human.GetProperty("id").GetString(), items[^1].GetProperty("id").GetString());
        Assert.Equal(3, fixture.SendsOf(token).Count());
    }

    [Fact]
    public async Task A_message_over_the_months_limit_shows_the_quota_reply_that_answered_it()
    {
        var (tenant, _, token, url, secret) = await fixture.ActiveTelegramAsync(plan: "free"); // 100 messages a month
        var messages = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, default);
        await messages.UpsertEntityAsync(new TableEntity(tenant.TenantId, UsagePeriod.Containing(fixture.Clock.GetUtcNow()).RowKey) { ["MessagesUsed"] = 100 });
        await fixture.TelegramAsync(url, secret, 736_001, 6801, "Можна на завтра?");
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 1), "the quota reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        var items = await Host.ItemsAsync(tenant, id);
        Assert.Equal(["inbound:quota_exceeded:", "outbound:quota_exceeded:sent"],
            items.Select(i => $"{i.GetProperty("direction").GetString()}:{i.GetProperty("decision").GetString() ?? i.GetProperty("author").GetString()}:" +
                i.GetProperty("status").GetString()));
        Assert.Equal(items[0].GetProperty("id").GetString(), items[1].GetProperty("in_reply_to").GetString());
    }

    private static (string?, int, string?, string?, string?) Summary(JsonElement c) =>
        (c.GetProperty("provider").GetString(), c.GetProperty("integration").GetInt32(), c.GetProperty("customer").GetProperty("id").GetString(),
            c.GetProperty("customer").GetProperty("name").GetString(), c.GetProperty("last_message_preview").GetString());

    private static string Line(JsonElement item) =>
        $"{item.GetProperty("direction").GetString()}:{(item.GetProperty("decision").GetString() ?? item.GetProperty("author").GetString())}:{item.GetProperty("text").GetString()}";
}
