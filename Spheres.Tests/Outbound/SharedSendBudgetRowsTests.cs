using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Providers;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Outbound;

/// <summary>
/// The shared send budget over Azurite, as two instances would hold it (two budgets on one storage, one real clock that
/// the test moves): one message a second to a chat, the bot's rate a second, rows bounded and purged.
/// </summary>
public sealed class SharedSendBudgetRowsTests
{
    private static readonly SendRate Telegram = new(30, TimeSpan.FromSeconds(1));
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1) + SharedSendBudget.Allowance;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly string _tenant = "t" + Guid.NewGuid().ToString("N");

    private static async Task<SpheresStorage> StorageAsync() => SpheresStorage.FromConnectionString((await AzuriteServer.Shared).ConnectionString);

    [Fact]
    public async Task A_second_message_to_the_same_chat_within_a_second_waits_for_the_rest_of_that_second()
    {
        var storage = await StorageAsync();
        var (one, other) = (new SharedSendBudget(storage, _clock), new SharedSendBudget(storage, _clock));

        Assert.Equal(TimeSpan.Zero, await one.TryReserveAsync(_tenant, "telegram_1", "chat", Telegram, default));
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(Interval - TimeSpan.FromMilliseconds(300), await other.TryReserveAsync(_tenant, "telegram_1", "chat", Telegram, default));
        Assert.Equal(TimeSpan.Zero, await other.TryReserveAsync(_tenant, "telegram_1", "another chat", Telegram, default));
        Assert.Equal(TimeSpan.Zero, await other.TryReserveAsync(_tenant, "telegram_2", "chat", Telegram, default));
        _clock.Advance(Interval - TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.Zero, await other.TryReserveAsync(_tenant, "telegram_1", "chat", Telegram, default));
    }

    [Fact]
    public async Task The_thirty_first_message_of_a_bot_within_a_second_waits_until_the_first_slot_is_free_whichever_instance_asks()
    {
        var storage = await StorageAsync();
        SharedSendBudget[] instances = [new(storage, _clock), new(storage, _clock)];
        for (var chat = 0; chat < Telegram.PerSecond; chat++)
        {
            Assert.Equal(TimeSpan.Zero, await instances[chat % 2].TryReserveAsync(_tenant, "telegram_1", $"chat {chat}", Telegram, default));
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(Interval - TimeSpan.FromMilliseconds(300), await instances[0].TryReserveAsync(_tenant, "telegram_1", "chat 30", Telegram, default));
        Assert.Equal(TimeSpan.Zero, await instances[1].TryReserveAsync(_tenant, "telegram_2", "chat 30", Telegram, default));
        _clock.Advance(Interval - TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.Zero, await instances[1].TryReserveAsync(_tenant, "telegram_1", "chat 30", Telegram, default));
        // The bot's rows: its 30 slots and one per chat, nothing per second.
        Assert.Equal(Telegram.PerSecond + 31, await RowsAsync(storage, "telegram_1_"));
    }

    [Fact]
    public async Task Reservations_racing_from_many_instances_never_take_more_than_the_budget()
    {
        var storage = await StorageAsync();
        var rate = new SendRate(5, TimeSpan.FromSeconds(1));
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(chat =>
            new SharedSendBudget(storage, _clock).TryReserveAsync(_tenant, "telegram_1", $"chat {chat}", rate, default)));

        Assert.Equal(rate.PerSecond, results.Count(wait => wait == TimeSpan.Zero));
        Assert.All(results.Where(wait => wait != TimeSpan.Zero), wait => Assert.Equal(Interval, wait));
    }

    [Fact]
    public async Task The_purge_deletes_rows_idle_for_a_day_and_keeps_the_others()
    {
        var storage = await StorageAsync();
        var budget = new SharedSendBudget(storage, _clock);
        await budget.TryReserveAsync(_tenant, "telegram_1", "chat", Telegram, default);
        _clock.Advance(SharedSendBudget.Retention + TimeSpan.FromSeconds(1));
        await budget.TryReserveAsync(_tenant, "telegram_2", "chat", Telegram, default);

        Assert.Equal(2, await budget.PurgeIdleAsync(_tenant, default));
        Assert.Equal(0, await RowsAsync(storage, "telegram_1_"));
        Assert.Equal(2, await RowsAsync(storage, "telegram_2_"));
    }

    [Fact]
    public async Task A_sender_that_makes_no_table_key_is_refused_before_storage_is_asked()
    {
        var budget = new SharedSendBudget(await StorageAsync(), _clock);

        await Assert.ThrowsAsync<ArgumentException>(() => budget.TryReserveAsync(_tenant, "telegram/1", "chat", Telegram, default));
        await Assert.ThrowsAsync<ArgumentException>(() => budget.TryReserveAsync("a#b", "telegram_1", "chat", Telegram, default));
    }

    private async Task<int> RowsAsync(SpheresStorage storage, string prefix)
    {
        var table = await storage.TableAsync(TableNames.SendBudgets, default);
        return await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_tenant} and RowKey ge {prefix} and RowKey lt {prefix + "~"}"))
            .CountAsync();
    }
}
