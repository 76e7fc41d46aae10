using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Outbound;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Outbound;

/// <summary>
/// The documented window: a process stopped after the provider may have sent a reply and before
/// "sent" was written leaves the row "sending". A later delivery must not send again.
/// </summary>
public sealed class InterruptedSendTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    [Fact]
    public async Task A_reply_left_sending_by_a_stopped_process_ends_failed_after_the_lease_and_is_never_sent_again()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        var autoReplies = fixture.Host.Services.GetRequiredService<Spheres.DevHost.FunctionQueues>().Activity(TableNames.AutoRepliesQueue);
        // The row a stopped process left: claimed for sending, its answer never written (written before the delivery, so no send happens first).
        var update = Deliveries.TelegramUpdate(910_001, 4601, "Добрий вечір", fixture.Clock.GetUtcNow());
        var messageId = Spheres.Core.Providers.IncomingMessage.IdOf(integrationId, "telegram", "4601:10002"); // chat 4601, message 910001 % 100000 + 1
        var table = await fixture.Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Replies, default);
        await table.AddEntityAsync(new TableEntity(tenant.TenantId, "r-" + messageId)
        {
            ["MessageId"] = messageId, ["IntegrationId"] = integrationId, ["Kind"] = "OutOfHours", ["Text"] = "earlier text", ["Recipient"] = "4601",
            ["Status"] = "Sending", ["CreatedAt"] = fixture.Clock.GetUtcNow(), ["Attempts"] = 1, ["SendToken"] = "token-of-a-dead-process",
            ["SendStartedAt"] = fixture.Clock.GetUtcNow(),
        });

        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));
        Assert.Equal(messageId, (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString());
        // Within the lease the sender waits (the message is deferred), as another process may still be sending.
        await ReplyFixture.UntilAsync(() => Task.FromResult(autoReplies.Succeeded > 0), "the delivery was deferred");
        Assert.Equal("pending", (await fixture.MessageAsync(tenant, messageId)).GetProperty("reply").GetProperty("status").GetString());

        fixture.Clock.Advance(ReplySender.SendingLease);
        var reply = await fixture.ReplyReachesAsync(tenant, messageId, "failed");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        Assert.Contains("may have been delivered", reply.GetProperty("error").GetString());
        Assert.Empty(fixture.SendsOf(token));
    }
}
