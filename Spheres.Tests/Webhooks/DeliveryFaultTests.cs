using System.Net;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>Storage failing in the middle of a delivery: the provider is asked to retry, and its retry completes the message exactly once.</summary>
public sealed class DeliveryFaultTests(PersistentWebhookFixture fixture) : IClassFixture<PersistentWebhookFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task A_failed_enqueue_is_503_and_the_retry_enqueues_the_stored_message_once()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var update = Deliveries.TelegramUpdate(424242, 77, "Запис на завтра", fixture.Clock.GetUtcNow());

        Host.StorageFaults.FailWhen(m => m.Request.Uri.Path.Contains("/" + TableNames.AgentRequestsQueue, StringComparison.Ordinal));
        HttpResponseMessage failed;
        try
        {
            failed = await Host.Client.SendAsync(Deliveries.Telegram(url, secret, update));
        }
        finally
        {
            Host.StorageFaults.Heal();
        }
        await failed.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));

        Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(1, await fixture.UsageAsync(tenant));
        Assert.Equal(1, await fixture.QueuedForAsync(tenant, TableNames.AgentRequestsQueue));
    }

    [Fact]
    public async Task Storage_stopped_mid_run_is_503_and_once_back_the_retry_completes_the_message_exactly_once()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, Deliveries.TelegramUpdate(1, 77, "before", fixture.Clock.GetUtcNow()))));
        var update = Deliveries.TelegramUpdate(2, 77, "during the outage", fixture.Clock.GetUtcNow().AddSeconds(1));

        await fixture.Azurite.StopAsync();
        HttpResponseMessage failed;
        try
        {
            failed = await Host.Client.SendAsync(Deliveries.Telegram(url, secret, update));
        }
        finally
        {
            await fixture.Azurite.RestartAsync();
        }
        await failed.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));

        Assert.Equal(["during the outage", "before"], (await fixture.MessagesAsync(tenant)).GetProperty("results").Strings("text"));
        Assert.Equal(2, await fixture.UsageAsync(tenant));
        Assert.Equal(2, await fixture.QueuedForAsync(tenant, TableNames.AgentRequestsQueue));
    }
}
