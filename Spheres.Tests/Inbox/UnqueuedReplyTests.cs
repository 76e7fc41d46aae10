using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Inbox;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;
using Spheres.Tests.Telemetry;

namespace Spheres.Tests.Inbox;

/// <summary>
/// A human reply whose request stopped after its row and before its queue message (the instance scaled in, storage went away for
/// both the queue and the failed mark): it stays <c>pending</c>, and the <c>RequeueUnqueuedReplies</c> sweep sends it, once.
/// Through DevHost with its queue triggers on, against the fake Telegram.
/// </summary>
public sealed class UnqueuedReplyTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private TestHost Host => fixture.Host;

    private static InboxService Inbox(TestHost host) => host.Services.GetRequiredService<InboxService>();

    private long Requeued() => fixture.Telemetry.Sum(Host.Services, "spheres.replies.requeued");

    private Task<HttpResponseMessage> ReplyAsync(TenantSession tenant, string conversationId, string text) =>
        Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/", new { text }));

    /// <summary>Everything after the reply's row fails: its queue message, and the write that would mark it failed.</summary>
    private async Task<string> ReplyWhoseRequestStopsAfterItsRowAsync(TenantSession tenant, string conversationId, string text)
    {
        Host.StorageFaults.FailWhen(m =>
            (m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith("/" + TableNames.AutoRepliesQueue + "/messages", StringComparison.Ordinal))
            || (StorageFaults.IsTable(m, TableNames.Replies) && (m.Request.Method == RequestMethod.Put || m.Request.Method == RequestMethod.Patch)));
        try
        {
            var stopped = await ReplyAsync(tenant, conversationId, text);
            Assert.False(stopped.IsSuccessStatusCode, $"{(int)stopped.StatusCode} while the queue is away");
        }
        finally
        {
            Host.StorageFaults.Heal();
        }
        var shown = Assert.Single(await Host.ItemsAsync(tenant, conversationId), i => i.GetProperty("direction").GetString() == "outbound");
        Assert.Equal((text, "pending"), (shown.GetProperty("text").GetString(), shown.GetProperty("status").GetString()));
        return shown.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_reply_left_pending_by_a_stopped_request_is_sent_by_the_sweep_once_its_grace_is_over()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(790_001, 3401);
        await ReplyWhoseRequestStopsAfterItsRowAsync(tenant, id, "Так, о 10:00 є місце");

        // Within the grace the request might still be running: the sweep leaves it.
        Assert.Equal(0, await Inbox(Host).RequeueUnqueuedAsync(default));
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Empty(fixture.SendsOf(token));

        var requeuedBefore = Requeued();
        fixture.Clock.Advance(InboxService.UnqueuedGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Inbox(Host).RequeueUnqueuedAsync(default));
        Assert.Equal(requeuedBefore + 1, Requeued()); // what ops see: spheres.replies.requeued
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the swept reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Equal("Так, о 10:00 є місце", Assert.Single(fixture.SendsOf(token)).Body.GetProperty("text").GetString());
        Assert.Equal(["sent"], await Host.OutboundAsync(tenant, id, "status"));
        Assert.Equal("human", (await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/")).GetProperty("status").GetString());

        // Its note is gone: the next sweep has nothing to do.
        Assert.Equal(0, await Inbox(Host).RequeueUnqueuedAsync(default));
    }

    [Fact]
    public async Task Two_instances_sweeping_the_same_note_together_send_the_reply_once()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(790_101, 3402);
        await ReplyWhoseRequestStopsAfterItsRowAsync(tenant, id, "Чекаємо на вас о 12:00");
        await using var second = await fixture.SecondInstanceAsync();
        fixture.Clock.Advance(InboxService.UnqueuedGrace + TimeSpan.FromSeconds(1));

        // Both read the note before either clears it: both queue the reply.
        using (var race = Host.StorageFaults.HoldUntilTogether(m => m.Request.Method == RequestMethod.Get && StorageFaults.IsTable(m, TableNames.UnqueuedReplies), 2)
                   .AlsoOn(second.StorageFaults))
        {
            var queued = await Task.WhenAll(Inbox(Host).RequeueUnqueuedAsync(default), Inbox(second).RequeueUnqueuedAsync(default));
            Assert.True(race.Happened, "the two sweeps did not read the note together");
            Assert.Equal([1, 1], queued);
        }

        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the swept reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        await second.IdleAsync(fixture.Azurite.ConnectionString, TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token));
        Assert.Equal(["sent"], await Host.OutboundAsync(tenant, id, "status"));
    }

    [Fact]
    public async Task A_queued_reply_leaves_no_note_and_a_note_whose_reply_moved_on_or_never_was_is_cleared_without_a_send()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(790_201, 3403);
        var sent = await (await ReplyAsync(tenant, id, "Добрий день")).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        var notes = Host.Services.GetRequiredService<UnqueuedReplies>();
        Assert.DoesNotContain(await notes.NotedBeforeAsync(DateTimeOffset.MaxValue, default), n => n.TenantId == tenant.TenantId);

        // What a request that stopped at another point leaves: a note of a reply that was queued and sent, one of a reply never written.
        var longAgo = fixture.Clock.GetUtcNow() - TimeSpan.FromHours(1);
        await notes.NoteAsync(new UnqueuedReply(tenant.TenantId, id, sent.GetProperty("id").GetString()!, longAgo), default);
        await notes.NoteAsync(new UnqueuedReply(tenant.TenantId, id, "h" + Guid.NewGuid().ToString("N")[..23], longAgo), default);

        Assert.Equal(0, await Inbox(Host).RequeueUnqueuedAsync(default));
        Assert.DoesNotContain(await notes.NotedBeforeAsync(DateTimeOffset.MaxValue, default), n => n.TenantId == tenant.TenantId);
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token));
        Assert.Equal(["sent"], await Host.OutboundAsync(tenant, id, "status"));
    }
}
