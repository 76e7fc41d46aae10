using System.Text.Json;
using NodaTime;
using Spheres.Core.Storage;
using Spheres.Core.WorkingHours;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Outbound;

/// <summary>Replies leave through Telegram's sendMessage once, whatever the queue and Telegram do.</summary>
public sealed class TelegramReplyTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<(TenantSession Tenant, int IntegrationId, string Token, string Url, string Secret, OffsetDateTime NextOpen)> ClosedBotAsync()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out var nextOpen));
        return (tenant, integrationId, token, url, secret, nextOpen);
    }

    private async Task DeliverAsync(string url, string secret, long updateId, long chatId, string text)
    {
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(updateId, chatId, text, fixture.Clock.GetUtcNow()))));
    }

    [Fact]
    public async Task Out_of_hours_a_customer_gets_exactly_one_sendMessage_with_the_next_opening_in_the_owners_zone_and_language()
    {
        var (tenant, _, token, url, secret, nextOpen) = await ClosedBotAsync();

        await DeliverAsync(url, secret, 710_001, 4401, "Ви працюєте зараз?");
        var message = await fixture.OnlyMessageAsync(tenant);
        var reply = await fixture.ReplyReachesAsync(tenant, message.GetProperty("id").GetString()!, "sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var nowInKyiv = Instant.FromDateTimeOffset(fixture.Clock.GetUtcNow()).InZone(DateTimeZoneProviders.Tzdb["Europe/Kyiv"]).ToOffsetDateTime();
        var expected = OutOfHoursMessage.Render(null, nextOpen, "UA", nowInKyiv);
        var send = Assert.Single(fixture.SendsOf(token));
        Assert.Equal(4401, send.Body.GetProperty("chat_id").GetInt64());
        Assert.Equal(expected, send.Body.GetProperty("text").GetString());
        Assert.StartsWith("Дякуємо", expected);
        Assert.Contains("09:00", expected);
        Assert.Equal("out_of_hours", reply.GetProperty("kind").GetString());
        Assert.Equal(expected, reply.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("error").ValueKind);
        Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeSeconds(), reply.GetProperty("sent_at").GetDateTimeOffset().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_queue_message_delivered_three_times_at_once_sends_once()
    {
        var (tenant, integrationId, token, url, secret, _) = await ClosedBotAsync();
        await DeliverAsync(url, secret, 710_101, 4402, "Hello?");
        var message = await fixture.OnlyMessageAsync(tenant);
        var id = message.GetProperty("id").GetString()!;
        var copy = JsonSerializer.Serialize(new
        {
            message_id = id, tenant_id = tenant.TenantId, integration_id = integrationId, provider = "telegram", sender = "4402",
            text = "Hello?", decision = "out_of_hours", reply_text = message.GetProperty("reply").GetProperty("text").GetString(), received_at = message.GetProperty("received_at").GetDateTimeOffset(),
        });

        var queue = fixture.Queue(TableNames.AutoRepliesQueue);
        await Task.WhenAll(queue.SendMessageAsync(copy), queue.SendMessageAsync(copy));
        await fixture.ReplyReachesAsync(tenant, id, "sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        Assert.Single(fixture.SendsOf(token));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_sent_on_the_next_try_without_a_third_call()
    {
        var (tenant, _, token, url, secret, _) = await ClosedBotAsync();
        fixture.Telegram.NextSendAnswers.Enqueue(FakeTelegram.TooManyRequests(retryAfter: 1));

        await DeliverAsync(url, secret, 710_201, 4403, "Є хтось?");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        await fixture.ReplyReachesAsync(tenant, id, "sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var sends = fixture.SendsOf(token).ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s => Assert.Equal(4403, s.Body.GetProperty("chat_id").GetInt64()));
    }

    [Fact]
    public async Task A_bot_blocked_by_the_customer_ends_failed_with_the_reason_and_is_not_retried()
    {
        var (tenant, _, token, url, secret, _) = await ClosedBotAsync();
        fixture.Telegram.BlockedChats[4404] = 0;

        await DeliverAsync(url, secret, 710_301, 4404, "hi");
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        var reply = await fixture.ReplyReachesAsync(tenant, id, "failed");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        Assert.Contains("blocked by the user", reply.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("sent_at").ValueKind);
        Assert.Single(fixture.SendsOf(token));
    }

    [Fact]
    public async Task Five_messages_in_one_closed_period_get_one_reply_and_four_skipped()
    {
        var (tenant, _, token, url, secret, _) = await ClosedBotAsync();

        for (var i = 0; i < 5; i++) await DeliverAsync(url, secret, 710_401 + i, 4405, $"message {i}");
        var ids = (await Host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray()
            .Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.Equal(5, ids.Count);
        await ReplyFixture.UntilAsync(async () =>
        {
            var statuses = (await Host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray()
                .Select(m => m.GetProperty("reply").GetProperty("status").GetString()).ToList();
            return statuses.All(s => s is "sent" or "skipped");
        }, "every reply sent or skipped");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var replies = (await Host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray()
            .Select(m => m.GetProperty("reply").GetProperty("status").GetString()).ToList();
        Assert.Equal(1, replies.Count(s => s == "sent"));
        Assert.Equal(4, replies.Count(s => s == "skipped"));
        Assert.Single(fixture.SendsOf(token));
    }
}
