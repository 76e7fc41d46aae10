using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Messaging;
using Spheres.Core.Providers;
using Spheres.Core.Plans;
using Spheres.Functions.Http;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Hardening;

/// <summary>The provider's event id alone decides "already stored"; a retry counts in the month the customer wrote.</summary>
public sealed class MessageIdentityTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task A_retry_with_another_timestamp_is_the_same_message_stored_and_counted_once()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var now = fixture.Clock.GetUtcNow();
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(990_001, 77, "Запис на завтра?", now))));
        // The same update_id again, with a different date: still the same event.
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(990_001, 77, "Запис на завтра?", now.AddSeconds(-90)))));

        Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(1, await fixture.UsageAsync(tenant));
    }

    [Fact]
    public async Task A_message_written_on_the_last_evening_of_a_month_and_retried_next_month_counts_in_the_month_it_was_written()
    {
        // This class's own clock: on to 08:00 on the 2nd of next month, so "last month" is two days back.
        var today = fixture.Clock.GetUtcNow();
        var now = new DateTimeOffset(today.Year, today.Month, 1, 8, 0, 0, TimeSpan.Zero).AddMonths(1).AddDays(1);
        fixture.Clock.SetUtcNow(now);
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var lastMonth = now.AddDays(-1).AddHours(-8).AddMinutes(-10); // 23:50 on the last day of the month
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(990_101, 78, "Доброго вечора", lastMonth))));

        var store = fixture.Host.Services.GetRequiredService<MessageStore>();
        Assert.Equal(1, (await store.ReadUsageAsync(tenant.TenantId, UsagePeriod.Containing(lastMonth), default)).Count);
        Assert.Equal(0, (await store.ReadUsageAsync(tenant.TenantId, UsagePeriod.Containing(now), default)).Count);
        var message = (await fixture.MessagesAsync(tenant)).GetProperty("results")[0];
        Assert.Equal(lastMonth, message.GetProperty("sent_at").GetDateTimeOffset());
        Assert.Equal(now, message.GetProperty("received_at").GetDateTimeOffset());
    }

    [Fact]
    public void First_received_is_the_provider_timestamp_kept_within_the_longest_retry_of_now()
    {
        var now = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        IncomingMessage At(DateTimeOffset sent) => new("whatsapp", "wamid.1", "380", "hi", sent);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 23, 50, 0, TimeSpan.Zero),
            MessagePipeline.FirstReceived(At(new DateTimeOffset(2026, 11, 30, 23, 50, 0, TimeSpan.Zero)), now));
        Assert.Equal(now, MessagePipeline.FirstReceived(At(now.AddYears(3)), now));
        Assert.Equal(now - MessagePipeline.LongestProviderRetry, MessagePipeline.FirstReceived(At(DateTimeOffset.UnixEpoch), now));
    }

    [Theory]
    [InlineData("zzz")]                    // a row key of no message
    [InlineData("m-0000' or PartitionKey ne ''")]
    [InlineData("id-0123456789abcdef01234567")]
    [InlineData("m-\u0001")]
    public async Task A_tampered_cursor_is_400_naming_the_cursor(string position)
    {
        var tenant = await fixture.Host.RegisterAsync();
        var response = await fixture.Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/messages/?cursor=" + PageCursors.Encode(position)));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task A_cursor_of_another_tenant_only_ever_reads_the_callers_own_messages()
    {
        var (first, _, url, secret) = await fixture.ActiveTelegramAsync();
        for (var i = 0; i < 3; i++)
            await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
                Deliveries.TelegramUpdate(990_200 + i, 79, $"secret plans {i}", fixture.Clock.GetUtcNow().AddSeconds(-i)))));
        var next = (await fixture.MessagesAsync(first, "?limit=1")).GetProperty("next").GetString()!;

        var second = await fixture.Host.RegisterAsync();
        var page = await fixture.Host.GetJsonAsync(second, next);
        Assert.Empty(page.GetProperty("results").EnumerateArray());
    }
}
