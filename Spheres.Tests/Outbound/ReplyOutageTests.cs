using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Outbound;

/// <summary>Storage stops at the worst moment: Telegram has sent the reply, and "sent" is not yet written.</summary>
public sealed class ReplyOutageTests(PersistentReplyFixture fixture) : IClassFixture<PersistentReplyFixture>
{
    [Fact]
    public async Task Azurite_stopped_between_the_send_and_its_record_loses_no_reply_and_sends_none_twice()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        var delivered = new TaskCompletionSource();
        var stopped = 0;
        fixture.Telegram.BeforeSendAnswer = async () =>
        {
            await delivered.Task; // the webhook itself completes first; only the send is caught by the outage
            if (Interlocked.Exchange(ref stopped, 1) == 0) await fixture.Azurite.StopAsync();
        };
        var failedBefore = fixture.Activity(TableNames.AutoRepliesQueue).Failed;

        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(810_001, 4501, "Ви ще працюєте?", fixture.Clock.GetUtcNow()))));
        var id = (await fixture.OnlyMessageAsync(tenant)).GetProperty("id").GetString()!;
        delivered.SetResult();
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.Activity(TableNames.AutoRepliesQueue).Failed > failedBefore),
            "the sender failed to record the send while storage was down");
        Assert.False(fixture.Azurite.IsRunning);
        await fixture.Azurite.RestartAsync();

        await fixture.ReplyReachesAsync(tenant, id, "sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        fixture.Telegram.BeforeSendAnswer = null;

        var send = Assert.Single(fixture.SendsOf(token));
        Assert.Equal(4501, send.Body.GetProperty("chat_id").GetInt64());
    }
}
