using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Outbound;

/// <summary>The reply fixture with a bot's send budget lowered to <see cref="Budget"/> a second, so a test reaches it in seconds.</summary>
public sealed class LowBudgetReplyFixture : ReplyFixture
{
    public const int Budget = 3;

    protected override void AddSettings(Dictionary<string, string?> settings) =>
        settings[SettingNames.TelegramSendsPerSecondPerBot] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Telegram's per-bot budget holds across instances: the fake Telegram never sees more than it from one bot in any second.</summary>
public sealed class SharedSendBudgetTests(LowBudgetReplyFixture fixture) : IClassFixture<LowBudgetReplyFixture>
{
    private const int Customers = 8 * LowBudgetReplyFixture.Budget;

    [Fact]
    public async Task Auto_replies_of_one_bot_sent_by_two_instances_never_exceed_the_bots_budget_in_any_second()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        await using var second = await fixture.SecondInstanceAsync();

        // Each customer's message arrives at one of the two instances; both take auto-replies off the one queue.
        for (var customer = 0; customer < Customers; customer++)
        {
            var instance = customer % 2 == 0 ? fixture.Host : second;
            await WebhookFixture.OkAsync(await instance.Client.SendAsync(Deliveries.Telegram(url, secret,
                Deliveries.TelegramUpdate(720_001 + customer, 5_100 + customer, $"Are you open? ({customer})", fixture.Clock.GetUtcNow()))));
        }
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() >= Customers), $"{Customers} replies sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var sends = fixture.SendsOf(token).OrderBy(s => s.At).ToList();
        Assert.Equal(Enumerable.Range(5_100, Customers), sends.Select(s => s.Body.GetProperty("chat_id").GetInt64()).Order().Select(c => (int)c));
        // Every second-long window that starts at a send, as the fake recorded them, holds at most the budget.
        var busiest = sends.Max(first => sends.Count(s => s.At >= first.At && s.At < first.At.AddSeconds(1)));
        Assert.True(busiest <= LowBudgetReplyFixture.Budget, $"{busiest} sends from one bot within one second; the budget is {LowBudgetReplyFixture.Budget}. Sends at (ms): "
            + string.Join(", ", sends.Select(s => (int)(s.At - sends[0].At).TotalMilliseconds)));
    }
}
