using System.Text;
using System.Text.Json;
using Azure.Core;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Outbound;

/// <summary>Messenger, Instagram and WhatsApp sends as Meta documents them, the agent's answers, and the poison queue.</summary>
public sealed class AgentAndMetaReplyTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private TestHost Host => fixture.Host;

    private static string NewAccountId() => ReplyFixture.NewAccountId();

    private Task<(TenantSession Tenant, int IntegrationId, string Token)> ActiveMetaAsync(string slug, string routingSetting, string accountId,
        string credential, string plan = "starter") => fixture.ActiveMetaAsync(slug, routingSetting, accountId, credential, plan);

    private Task AgentAnswersAsync(TenantSession tenant, int integrationId, string messageId, string text) =>
        fixture.Queue(TableNames.AgentRepliesQueue).SendMessageAsync(JsonSerializer.Serialize(new
        {
            message_id = messageId, tenant_id = tenant.TenantId, integration_id = integrationId, text,
        }));

    private async Task<string> WhatsAppMessageAsync(string phoneNumberId, string from, string text)
    {
        var body = JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = "waba", changes = new[] { new { field = "messages", value = new
            {
                messaging_product = "whatsapp",
                metadata = new { display_phone_number = "380440000000", phone_number_id = phoneNumberId },
                messages = new[] { new { from, id = "wamid." + Guid.NewGuid().ToString("N"), timestamp = fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(), type = "text", text = new { body = text } } },
            } } } } },
        });
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body)));
        return body;
    }

    [Fact]
    public async Task Messenger_out_of_hours_reply_is_the_documented_body_byte_for_byte()
    {
        var pageId = NewAccountId();
        var (tenant, integrationId, token) = await ActiveMetaAsync("facebook-messenger", "page_id", pageId, "page_access_token");
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        var now = fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var page = JsonSerializer.Serialize(new { @object = "page", entry = new[] { new
        {
            id = pageId, time = now,
            messaging = new[] { new { sender = new { id = "6543210987654321" }, recipient = new { id = pageId }, timestamp = now, message = new { mid = "m_" + Guid.NewGuid().ToString("N"), text = "Ви відкриті?" } } },
        } } });

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(page)));
        var message = await fixture.OnlyMessageAsync(tenant);
        var reply = await fixture.ReplyReachesAsync(tenant, message.GetProperty("id").GetString()!, "sent");

        var send = Assert.Single(fixture.Graph.Sends, s => s.Account == pageId);
        var text = reply.GetProperty("text").GetString()!;
        Assert.Equal("""{"recipient":{"id":"6543210987654321"},"messaging_type":"RESPONSE","message":{"text":""" + "\"" + text + "\"}}", send.BodyText);
        Assert.Equal($"Bearer {token}", send.Authorization);
        Assert.StartsWith("application/json", send.ContentType);
    }

    [Fact]
    public async Task An_agent_answer_on_whatsapp_is_the_documented_body_byte_for_byte_and_shows_on_the_message()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, token) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380501234567", "Чи є вільний час завтра?");
        var message = await fixture.OnlyMessageAsync(tenant);
        Assert.Equal("agent", message.GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("reply").ValueKind); // the agent has not answered yet
        var id = message.GetProperty("id").GetString()!;

        await AgentAnswersAsync(tenant, integrationId, id, "Так, о 15:00 є \"вільне\" місце");
        var reply = await fixture.ReplyReachesAsync(tenant, id, "sent");

        var send = Assert.Single(fixture.Graph.Sends, s => s.Account == phoneNumberId);
        Assert.Equal("""{"messaging_product":"whatsapp","to":"380501234567","type":"text","text":{"body":"Так, о 15:00 є \"вільне\" місце"}}""",
            send.BodyText);
        Assert.Equal($"Bearer {token}", send.Authorization);
        Assert.Equal("agent", reply.GetProperty("kind").GetString());
        Assert.Equal("Так, о 15:00 є \"вільне\" місце", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Three_deliveries_of_one_answer_racing_to_send_it_send_it_once()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, _) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380505555555", "Можна на 12:00?");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        // Each delivery has read the pending row; none writes its claim until all three are about to.
        Host.StorageFaults.HoldUntilTogether(m => StorageFaults.IsTable(m, TableNames.Replies) && m.Request.Method == Azure.Core.RequestMethod.Put
            && m.Request.Headers.TryGetValue("If-Match", out var etag) && etag != "*", count: 3);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => AgentAnswersAsync(tenant, integrationId, id, "Так, чекаємо вас о 12:00")));
        await fixture.ReplyReachesAsync(tenant, id, "sent");
        await fixture.IdleAsync(TableNames.AgentRepliesQueue);

        Assert.True(Host.StorageFaults.Gathered, "the three deliveries did not all reach their claim together: no race happened");
        Assert.Single(fixture.Graph.Sends, s => s.Account == phoneNumberId);
    }

    [Fact]
    public async Task A_closed_24_hour_window_ends_failed_and_is_not_retried()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, _) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380509999999", "Добрий день");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        fixture.Graph.NextAnswers.Enqueue(FakeGraph.Error(400, 131047, null, "Re-engagement message"));

        await AgentAnswersAsync(tenant, integrationId, id, "Вибачте за затримку");
        var reply = await fixture.ReplyReachesAsync(tenant, id, "failed");
        await fixture.IdleAsync(TableNames.AgentRepliesQueue);

        Assert.Contains("24-hour window", reply.GetProperty("error").GetString());
        Assert.Single(fixture.Graph.Sends, s => s.Account == phoneNumberId);
    }

    [Fact]
    public async Task A_meta_rate_limit_is_retried_after_the_time_asked_and_then_sent_once()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, _) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380508888888", "Є запис на завтра?");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        fixture.Graph.NextAnswers.Enqueue(FakeGraph.Error(400, 80007, null, "Rate limit hit for WhatsApp Business Account", retryAfterSeconds: 1));

        await AgentAnswersAsync(tenant, integrationId, id, "Так, о 10:00");
        var reply = await fixture.ReplyReachesAsync(tenant, id, "sent");
        await fixture.IdleAsync(TableNames.AgentRepliesQueue);

        Assert.Equal(2, fixture.Graph.Sends.Count(s => s.Account == phoneNumberId));
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task An_answer_longer_than_a_channel_takes_ends_failed_with_that_reason_and_is_not_sent()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, _) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380506666666", "Розкажіть усе");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;

        await AgentAnswersAsync(tenant, integrationId, id, new string('я', 4097));
        var reply = await fixture.ReplyReachesAsync(tenant, id, "failed");

        Assert.Contains("longer than 4096 characters", reply.GetProperty("error").GetString());
        Assert.DoesNotContain(fixture.Graph.Sends, s => s.Account == phoneNumberId);
    }

    [Fact]
    public async Task Agent_answers_for_unknown_tenants_or_messages_are_dropped_not_retried_into_poison()
    {
        var poisonBefore = fixture.Activity(TableNames.AgentRepliesQueue).Poisoned;
        var succeededBefore = fixture.Activity(TableNames.AgentRepliesQueue).Succeeded;
        var queue = fixture.Queue(TableNames.AgentRepliesQueue);

        await queue.SendMessageAsync(JsonSerializer.Serialize(new { message_id = "abc", tenant_id = Guid.NewGuid().ToString("N"), integration_id = 1, text = "hi" }));
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { message_id = "../x", tenant_id = "t", integration_id = 1, text = "hi" }));
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { message_id = "abc", tenant_id = Guid.NewGuid().ToString("N"), integration_id = "1", text = "hi" }));
        await queue.SendMessageAsync("not json at all");
        await fixture.IdleAsync(TableNames.AgentRepliesQueue);

        Assert.Equal(succeededBefore + 4, fixture.Activity(TableNames.AgentRepliesQueue).Succeeded);
        Assert.Equal(poisonBefore, fixture.Activity(TableNames.AgentRepliesQueue).Poisoned);
        Assert.DoesNotContain(fixture.Graph.Sends, s => Encoding.UTF8.GetString(s.Body).Contains("\"hi\""));
    }

    [Fact]
    public async Task A_message_that_is_not_base64_goes_to_the_poison_queue_as_on_the_functions_host()
    {
        var marker = "plain text, not base64: " + Guid.NewGuid().ToString("N");
        var queue = new Azure.Storage.Queues.QueueClient(fixture.Azurite.ConnectionString, TableNames.AgentRepliesQueue);
        await queue.CreateIfNotExistsAsync(); // DevHost may not have polled it yet
        await queue.SendMessageAsync(marker);

        await ReplyFixture.UntilAsync(async () => (await fixture.Queue(TableNames.AgentRepliesQueue + "-poison").PeekMessagesAsync(32)).Value
            .Any(m => m.Body.ToString() == marker), "the message is in agent-replies-poison as it was");
        await fixture.IdleAsync(TableNames.AgentRepliesQueue);
    }

    [Fact]
    public async Task A_message_that_fails_five_times_moves_to_the_poison_queue_and_sends_nothing()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, integrationId, _) = await ActiveMetaAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        await WhatsAppMessageAsync(phoneNumberId, "380507777777", "Привіт");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        var failedBefore = fixture.Activity(TableNames.AgentRepliesQueue).Failed;
        Host.StorageFaults.FailWhen(m => StorageFaults.IsTable(m, TableNames.Replies));
        try
        {
            await AgentAnswersAsync(tenant, integrationId, id, "poisoned answer");
            await ReplyFixture.UntilAsync(async () => (await fixture.Queue(TableNames.AgentRepliesQueue + "-poison").PeekMessagesAsync(32)).Value
                .Any(m => m.Body.ToString().Contains(id, StringComparison.Ordinal)), "the answer is in agent-replies-poison");
        }
        finally
        {
            Host.StorageFaults.Heal();
        }

        Assert.Equal(failedBefore + 5, fixture.Activity(TableNames.AgentRepliesQueue).Failed);
        Assert.DoesNotContain(fixture.Graph.Sends, s => s.Account == phoneNumberId);
        Assert.Equal(JsonValueKind.Null, (await fixture.MessageAsync(tenant, id)).GetProperty("reply").ValueKind);
    }
}
