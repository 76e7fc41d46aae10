using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Inbox;
using Spheres.Core.Messaging;
using Spheres.Core.Operations;
using Spheres.Core.Outbound;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Operations;

/// <summary>
/// Retention of the inbox and of replies: conversations, their timelines and every reply (the agent's, out-of-hours, quota, the owner's own)
/// with the out-of-hours claims age out with the messages (400 days), and younger ones stay.
/// </summary>
public sealed class ConversationRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 0, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private static InboundMessage Message(string tenantId, string customer, int n, DateTimeOffset at) =>
        new(tenantId, 1, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{customer}-{n}")))[..24],
            "telegram", $"{customer}:{n}", customer, $"text {n}", at, at, MessageDecision.Agent, null, true, default);

    [Fact]
    public async Task A_conversation_quiet_for_400_days_goes_and_an_active_one_keeps_only_its_recent_messages_and_replies()
    {
        await using var host = await TestHost.StartAsync(_azurite.ConnectionString, null, s => s.AddSingleton<TimeProvider>(_clock));
        var tenant = await host.RegisterAsync();
        var conversations = host.Services.GetRequiredService<ConversationStore>();
        var replies = host.Services.GetRequiredService<ReplyStore>();
        for (var n = 0; n < 3; n++) await conversations.RecordInboundAsync(Message(tenant.TenantId, "501", n, Now.AddDays(-420 + n)), default);
        for (var n = 0; n < 2; n++) await conversations.RecordInboundAsync(Message(tenant.TenantId, "502", n, Now.AddDays(-401)), default);
        await conversations.RecordInboundAsync(Message(tenant.TenantId, "502", 2, Now.AddDays(-3)), default);
        var quiet = Conversation.IdOf(1, "501");
        var active = Conversation.IdOf(1, "502");
        await replies.GetOrCreateAsync(new Reply(tenant.TenantId, "hold000000000000000000001", 1, ReplyKind.Human, "old", "502", ReplyStatus.Sent, Now.AddDays(-401)), default);
        await replies.GetOrCreateAsync(new Reply(tenant.TenantId, "hnew000000000000000000001", 1, ReplyKind.Human, "new", "502", ReplyStatus.Sent, Now.AddDays(-2)), default);

        var result = await host.Services.GetRequiredService<DataRetention>().RunAsync(default);

        Assert.Equal((1, 1), (result.ConversationsDeleted, result.RepliesDeleted));
        Assert.Null(await conversations.FindAsync(tenant.TenantId, quiet, default));
        Assert.Empty((await conversations.TimelineAsync(tenant.TenantId, quiet, 50, null, default)).Page);
        var (listed, _) = await conversations.ListAsync(tenant.TenantId, new ConversationFilter(null, null, false), Now, 50, null, default);
        Assert.Equal([active], listed.Select(c => c.Id));
        var (timeline, _) = await conversations.TimelineAsync(tenant.TenantId, active, 50, null, default);
        Assert.Equal([Now.AddDays(-3)], timeline.Select(e => e.At));
        Assert.Null(await replies.FindAsync(tenant.TenantId, "hold000000000000000000001", default));
        Assert.NotNull(await replies.FindAsync(tenant.TenantId, "hnew000000000000000000001", default));

        // A message after the run still lands in the kept conversation, and a new one is made for the customer who went.
        await conversations.RecordInboundAsync(Message(tenant.TenantId, "501", 9, Now), default);
        Assert.Equal(1, (await conversations.FindAsync(tenant.TenantId, quiet, default))!.MessagesCount);
    }

    [Fact]
    public async Task Replies_of_every_kind_and_out_of_hours_claims_older_than_400_days_go_and_younger_ones_stay()
    {
        await using var host = await TestHost.StartAsync(_azurite.ConnectionString, null, s => s.AddSingleton<TimeProvider>(_clock));
        var tenant = await host.RegisterAsync();
        var replies = host.Services.GetRequiredService<ReplyStore>();
        var kinds = new[] { ReplyKind.Agent, ReplyKind.OutOfHours, ReplyKind.QuotaExceeded, ReplyKind.Human };
        // The cutoff is 400 days before now: a day either side of it.
        foreach (var (age, days) in new[] { ("old", 401), ("young", 399) })
        {
            foreach (var kind in kinds)
            {
                var at = Now.AddDays(-days);
                await replies.GetOrCreateAsync(new Reply(tenant.TenantId, $"{age}-{kind}", 1, kind, "…", "501", ReplyStatus.Sent, at, at.AddSeconds(5)), default);
            }
            Assert.Equal($"{age}-claim", await replies.ClaimPeriodAsync(tenant.TenantId, 1, "501", age, $"{age}-claim", Now.AddDays(-days), default));
        }

        var result = await host.Services.GetRequiredService<DataRetention>().RunAsync(default);

        Assert.Equal(kinds.Length, result.RepliesDeleted);
        foreach (var kind in kinds)
        {
            Assert.Null(await replies.FindAsync(tenant.TenantId, $"old-{kind}", default));
            Assert.Equal(kind, (await replies.FindAsync(tenant.TenantId, $"young-{kind}", default))?.Kind);
        }
        // A claim that went is made again by the next message of its period; one that stays still names its holder.
        Assert.Equal("next", await replies.ClaimPeriodAsync(tenant.TenantId, 1, "501", "old", "next", Now, default));
        Assert.Equal("young-claim", await replies.ClaimPeriodAsync(tenant.TenantId, 1, "501", "young", "next", Now, default));
    }
}
