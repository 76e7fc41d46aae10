using System.Text.Json;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Telemetry;

/// <summary>
/// The metrics ops and the alerts read, as the host's MeterProvider exports them: messages by provider, decision and outcome,
/// replies by provider and status, the age of queue messages, poisoned deliveries. Run alone (<see cref="TelemetryCollection"/>),
/// so the counts are this class's.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private TestHost Host => fixture.Host;
    private TelemetryCapture Telemetry => fixture.Telemetry;

    private long Messages(string decision, string outcome, bool counted) => Telemetry.Sum(Host.Services, "spheres.messages",
        ("provider", "telegram"), ("decision", decision), ("outcome", outcome), ("counted", counted));

    private long Replies(string status) => Telemetry.Sum(Host.Services, "spheres.replies", ("provider", "telegram"), ("status", status));

    [Fact]
    public async Task Messages_are_counted_by_decision_and_outcome_and_replies_by_status()
    {
        var (storedOutOfHours, repeats, agent, sent, failed) =
            (Messages("out_of_hours", "stored", false), Messages("out_of_hours", "repeat", false), Messages("agent", "stored", true), Replies("sent"), Replies("failed"));
        var ages = Telemetry.Count(Host.Services, "spheres.queue.age", ("queue", TableNames.AutoRepliesQueue));

        // Closed: two customers write, one of them twice (Telegram retried the same update); one blocked the bot.
        var (tenant, integrationId, _, url, secret) = await fixture.ActiveTelegramAsync();
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        fixture.Telegram.BlockedChats[4432] = 0;
        var first = Deliveries.TelegramUpdate(733_001, 4431, "hello", fixture.Clock.GetUtcNow());
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, first)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, first)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(733_002, 4432, "hello?", fixture.Clock.GetUtcNow()))));
        // Open around the clock (no week): the next message goes to the agent and counts against the plan.
        var (openTenant, _, _, openUrl, openSecret) = await fixture.ActiveTelegramAsync();
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(openUrl, openSecret,
            Deliveries.TelegramUpdate(733_003, 4433, "book me", fixture.Clock.GetUtcNow()))));
        await ReplyFixture.UntilAsync(async () =>
        {
            var replies = (await Host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray()
                .Select(m => m.GetProperty("reply").GetProperty("status").GetString()).ToList();
            return replies.Count == 2 && replies.All(s => s is "sent" or "failed");
        }, "both out-of-hours replies ended");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        Assert.Equal(2, Messages("out_of_hours", "stored", false) - storedOutOfHours);
        Assert.Equal(1, Messages("out_of_hours", "repeat", false) - repeats);
        Assert.Equal(1, Messages("agent", "stored", true) - agent);
        Assert.Equal(1, Replies("sent") - sent);
        Assert.Equal(1, Replies("failed") - failed);
        Assert.Equal(2, Telemetry.Count(Host.Services, "spheres.queue.age", ("queue", TableNames.AutoRepliesQueue)) - ages);
        Assert.Single((await Host.GetJsonAsync(openTenant, "/api/messages/")).GetProperty("results").EnumerateArray(),
            m => m.GetProperty("decision").GetString() == "agent");
    }

    [Fact]
    public async Task A_delivery_that_fails_on_its_last_allowed_try_is_counted_poisoned_and_earlier_failures_are_not()
    {
        var before = Telemetry.Sum(Host.Services, "spheres.queue.poisoned", ("queue", TableNames.AgentRepliesQueue));
        var body = JsonSerializer.Serialize(new { message_id = "m", tenant_id = "t", integration_id = 1, text = "x" });
        Task Fails(string _) => throw new InvalidOperationException("storage away");

        for (var delivery = 1; delivery <= QueueWork.MaxDequeueCount; delivery++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                QueueWork.RunAsync(TableNames.AgentRepliesQueue, QueueTriggers.Delivered(body, delivery), Fails));
            var expected = delivery == QueueWork.MaxDequeueCount ? 1 : 0;
            Assert.Equal(expected, Telemetry.Sum(Host.Services, "spheres.queue.poisoned", ("queue", TableNames.AgentRepliesQueue)) - before);
        }
    }

    [Fact]
    public void The_poison_count_assumes_the_hosts_maxDequeueCount()
    {
        var root = typeof(MetricTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        Assert.Equal(QueueWork.MaxDequeueCount, hostJson.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("OpenTelemetry", hostJson.RootElement.GetProperty("telemetryMode").GetString());
    }
}
