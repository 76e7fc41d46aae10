using System.Net;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Plans;
using Spheres.Core.Storage;
using Spheres.Tests.Inbox;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>
/// Group commit (Messaging/MessageGroupCommit.cs): one tenant's messages that wait while its transaction is under way are stored
/// together, the counter written once per batch, and still each message is counted once and only up to the plan's limit.
/// </summary>
public sealed class GroupCommitTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;
    private static long _updateIds = Random.Shared.NextInt64(100_000_000, 900_000_000);

    private static long NextUpdateId() => Interlocked.Increment(ref _updateIds);

    [Fact]
    public async Task Twenty_messages_waiting_at_the_limit_are_stored_in_a_few_transactions_and_only_five_are_counted()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(); // free: 100 messages a month
        var messages = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, default);
        await messages.UpsertEntityAsync(new TableEntity(tenant.TenantId, UsagePeriod.Containing(fixture.Clock.GetUtcNow()).RowKey) { ["MessagesUsed"] = 95 });
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        await fixture.DrainAsync(TableNames.AutoRepliesQueue);
        var transactions = CountTransactions();
        // The first transaction is held for a second and a half, so the other twenty requests are waiting when it ends.
        using var hold = Host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2, TimeSpan.FromSeconds(1.5));
        var updates = Enumerable.Range(0, 20).Select(i => Deliveries.TelegramUpdate(NextUpdateId(), 6100 + i, $"Запис {i}", fixture.Clock.GetUtcNow())).ToList();

        var responses = await Task.WhenAll(updates.Append(updates[7]) // and one delivered twice at once
            .Select(update => WebhookFixture.DeliverWithRetriesAsync(Host, url, secret, update)));
        Host.StorageFaults.Heal();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(Host.StorageFaults.Held >= 1 && !hold.Happened, "the first transaction was not held alone");
        Assert.InRange(transactions.Value, 2, 6); // 20 messages: the held one, then batches of up to 16 (one more when the copy is found)
        Assert.Equal(100, await fixture.UsageAsync(tenant));
        var stored = (await fixture.MessagesAsync(tenant, "?limit=100")).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(20, stored.Count);
        Assert.Equal(5, stored.Count(m => m.GetProperty("decision").GetString() == "agent"));
        Assert.Equal(15, stored.Count(m => m.GetProperty("decision").GetString() == "quota_exceeded"));
        Assert.Equal(5, (await fixture.DrainAsync(TableNames.AgentRequestsQueue)).Count(m => m.GetProperty("tenant_id").GetString() == tenant.TenantId));
        Assert.Equal(15, (await fixture.DrainAsync(TableNames.AutoRepliesQueue)).Count(m => m.GetProperty("tenant_id").GetString() == tenant.TenantId));
        var conversations = await Host.ConversationsAsync(tenant, "?limit=100");
        Assert.Equal(20, conversations.Count); // each message in its customer's conversation, once
        Assert.All(conversations, c => Assert.Equal(1, c.GetProperty("messages_count").GetInt32()));
    }

    [Fact]
    public async Task Messages_of_one_customer_stored_together_are_one_conversation_in_order()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var transactions = CountTransactions();
        using var hold = Host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2, TimeSpan.FromSeconds(1));
        var start = fixture.Clock.GetUtcNow();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => WebhookFixture.DeliverWithRetriesAsync(Host, url, secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 6200, $"part {i}", start.AddSeconds(i - 60)))));

        Host.StorageFaults.Heal();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.InRange(transactions.Value, 2, 3); // the held one, then the other eleven together
        var conversation = Assert.Single(await Host.ConversationsAsync(tenant));
        Assert.Equal(12, conversation.GetProperty("messages_count").GetInt32());
        Assert.Equal(12, conversation.GetProperty("unread").GetInt32());
        Assert.Equal("part 11", conversation.GetProperty("last_message_preview").GetString());
        var items = await Host.ItemsAsync(tenant, conversation.GetProperty("id").GetString()!);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"part {i}"), items.Select(i => i.GetProperty("text").GetString()));
        Assert.Equal(12, await fixture.UsageAsync(tenant));
    }

    [Fact]
    public async Task Twenty_retries_of_stored_messages_arriving_together_are_all_acknowledged_and_change_nothing()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var updates = Enumerable.Range(0, 20).Select(i => Deliveries.TelegramUpdate(NextUpdateId(), 6300 + i, $"Повтор {i}", fixture.Clock.GetUtcNow())).ToList();
        Assert.All(await Task.WhenAll(updates.Select(u => WebhookFixture.DeliverWithRetriesAsync(Host, url, secret, u))),
            r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        using var hold = Host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2, TimeSpan.FromSeconds(1));

        // The provider retries them all at once (its earlier answers were lost): they wait together behind the held transaction,
        // and each is found stored in turn (a batch of 16 copies takes 16 tries: more than the conflicts a batch may have).
        var retried = await Task.WhenAll(updates.Select(u => Host.Client.SendAsync(Deliveries.Telegram(url, secret, u))));
        Host.StorageFaults.Heal();

        Assert.All(retried, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(20, await fixture.UsageAsync(tenant));
        Assert.Equal(20, (await fixture.MessagesAsync(tenant, "?limit=100")).GetProperty("results").GetArrayLength());
        Assert.DoesNotContain(await fixture.DrainAsync(TableNames.AgentRequestsQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
        Assert.All(await Host.ConversationsAsync(tenant, "?limit=100"), c => Assert.Equal(1, c.GetProperty("messages_count").GetInt32()));
    }

    /// <summary>Counts the entity-group transactions the app sends from now on (never failing one).</summary>
    private StrongBox<int> CountTransactions()
    {
        var count = new StrongBox<int>();
        Host.StorageFaults.FailWhen(m =>
        {
            if (StorageFaults.IsTableBatch(m)) Interlocked.Increment(ref count.Value);
            return false;
        });
        return count;
    }
}
