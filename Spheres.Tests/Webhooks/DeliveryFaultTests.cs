using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>Storage failing in the middle of a delivery: the provider is asked to retry, and its retry completes the message exactly once.</summary>
public sealed class DeliveryFaultTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private AzuriteServer _azurite = null!;
    private FakeTelegram _telegram = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync(persistent: true);
        _telegram = await FakeTelegram.StartAsync();
        _host = await TestHost.StartAsync(_azurite.ConnectionString,
            new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = _telegram.BaseUrl },
            s => { s.AddSingleton<TimeProvider>(_clock); s.AddSingleton<Spheres.Core.WorkingHours.IWorkingScheduleSource, TemporaryAlwaysOpen>(); });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _telegram.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private async Task<(TenantSession Tenant, string Url, string Secret)> ActiveTelegramAsync()
    {
        var tenant = await _host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var integration = await _host.ConnectTelegramAsync(tenant, token);
        await (await _host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return (tenant, integration.GetProperty("webhook_url").GetString()!, _telegram.CallsOf("setWebhook").Last(c => c.Token == token).Body.GetProperty("secret_token").GetString()!);
    }

    [Fact]
    public async Task A_failed_enqueue_is_503_and_the_retry_enqueues_the_stored_message_once()
    {
        var (tenant, url, secret) = await ActiveTelegramAsync();
        var update = Deliveries.TelegramUpdate(424242, 77, "Запис на завтра", _clock.GetUtcNow());

        _host.StorageFaults.FailWhen(m => m.Request.Uri.Path.Contains("/" + TableNames.AgentRequestsQueue, StringComparison.Ordinal));
        var failed = await _host.Client.SendAsync(Deliveries.Telegram(url, secret, update));
        await failed.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);
        _host.StorageFaults.Heal();

        await (await _host.Client.SendAsync(Deliveries.Telegram(url, secret, update))).JsonAsync();
        await (await _host.Client.SendAsync(Deliveries.Telegram(url, secret, update))).JsonAsync();

        Assert.Single((await _host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray());
        Assert.Equal(1, (await _host.GetJsonAsync(tenant, "/api/accounts/usage/")).GetProperty("messages_used").GetInt32());
        Assert.Single(await Deliveries.DrainAsync(_azurite.ConnectionString, TableNames.AgentRequestsQueue),
            m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
    }

    [Fact]
    public async Task Storage_stopped_mid_run_is_503_and_once_back_the_retry_completes_the_message_exactly_once()
    {
        var (tenant, url, secret) = await ActiveTelegramAsync();
        await (await _host.Client.SendAsync(Deliveries.Telegram(url, secret, Deliveries.TelegramUpdate(1, 77, "before", _clock.GetUtcNow())))).JsonAsync();
        var update = Deliveries.TelegramUpdate(2, 77, "during the outage", _clock.GetUtcNow().AddSeconds(1));

        await _azurite.StopAsync();
        var failed = await _host.Client.SendAsync(Deliveries.Telegram(url, secret, update));
        await failed.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(failed.Headers.RetryAfter);
        await _azurite.RestartAsync();

        await (await _host.Client.SendAsync(Deliveries.Telegram(url, secret, update))).JsonAsync();

        var texts = (await _host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").Strings("text");
        Assert.Equal(["during the outage", "before"], texts);
        Assert.Equal(2, (await _host.GetJsonAsync(tenant, "/api/accounts/usage/")).GetProperty("messages_used").GetInt32());
        Assert.Equal(2, (await Deliveries.DrainAsync(_azurite.ConnectionString, TableNames.AgentRequestsQueue))
            .Count(m => m.GetProperty("tenant_id").GetString() == tenant.TenantId));
    }
}
