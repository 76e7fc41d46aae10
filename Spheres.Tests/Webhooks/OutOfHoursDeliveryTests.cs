using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>Outside working hours the customer gets the honest "we open at …" reply instead of the agent.</summary>
public sealed class OutOfHoursDeliveryTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    /// <summary>A week that is closed right now in Kyiv: open only on the weekday two days ahead, 09:00–18:00.</summary>
    private object[] ClosedNowWeek(out int openWeekday)
    {
        var kyiv = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
        var today = NodaTime.Instant.FromDateTimeOffset(fixture.Clock.GetUtcNow()).InZone(kyiv).DayOfWeek;
        openWeekday = ((int)today - 1 + 2) % 7;
        return [WorkingHoursApi.Row(openWeekday, "09:00", "18:00")];
    }

    [Fact]
    public async Task A_message_outside_working_hours_gets_the_out_of_hours_reply_and_is_not_counted()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "starter");
        await Host.SetWeekAsync(tenant, integrationId, ClosedNowWeek(out _));
        await fixture.DrainAsync(TableNames.AutoRepliesQueue);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(610_001, 55, "Ви працюєте зараз?", fixture.Clock.GetUtcNow()))));

        var message = Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal("out_of_hours", message.GetProperty("decision").GetString());
        Assert.Equal(0, await fixture.UsageAsync(tenant));
        var reply = Assert.Single(await fixture.DrainAsync(TableNames.AutoRepliesQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
        Assert.Equal("out_of_hours", reply.GetProperty("decision").GetString());
        var text = reply.GetProperty("reply_text").GetString()!;
        Assert.StartsWith("Дякуємо за повідомлення!", text); // tenant in UA: Ukrainian default
        Assert.Contains("09:00", text);
    }

    [Fact]
    public async Task The_owners_own_text_is_used_with_the_next_opening_filled_in()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional", country: "PL");
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{integrationId}/",
            new { settings = new { out_of_hours_message = "Closed now, back {next_open}. — Studio" } }))).JsonAsync();
        await Host.SetWeekAsync(tenant, integrationId, ClosedNowWeek(out _));
        await fixture.DrainAsync(TableNames.AutoRepliesQueue);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(610_002, 56, "hello?", fixture.Clock.GetUtcNow()))));

        var reply = Assert.Single(await fixture.DrainAsync(TableNames.AutoRepliesQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
        var text = reply.GetProperty("reply_text").GetString()!;
        Assert.StartsWith("Closed now, back ", text);
        Assert.EndsWith("at 09:00. — Studio", text);
    }

    [Fact]
    public async Task Hours_left_from_a_plan_without_them_are_not_applied()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync(plan: "starter");
        await Host.SetWeekAsync(tenant, integrationId, ClosedNowWeek(out _));
        await Host.SetPlanAsync(tenant.TenantId, "free");

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(610_003, 57, "hi", fixture.Clock.GetUtcNow()))));

        Assert.Equal("agent", (await fixture.MessagesAsync(tenant)).GetProperty("results")[0].GetProperty("decision").GetString());
    }
}
