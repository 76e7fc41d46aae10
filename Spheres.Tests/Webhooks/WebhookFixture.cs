using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Configuration;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>
/// One Azurite of their own for the webhook tests (so the queues hold only their messages),
/// a fake Telegram, and a clock the tests can move.
/// </summary>
public class WebhookFixture : IAsyncLifetime
{
    private readonly bool _persistent;

    public WebhookFixture() : this(persistent: false) { }

    /// <param name="persistent">An Azurite that keeps its data across a stop and restart (for outage tests).</param>
    protected WebhookFixture(bool persistent) => _persistent = persistent;

    public AzuriteServer Azurite { get; private set; } = null!;
    public FakeTelegram Telegram { get; private set; } = null!;
    public TestHost Host { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync(_persistent);
        Telegram = await FakeTelegram.StartAsync();
        Host = await TestHost.StartAsync(Azurite.ConnectionString,
            new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = Telegram.BaseUrl },
            s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Telegram.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>
    /// A second instance of the app on the same storage, fake Telegram, clock and credential key: what Azure
    /// runs when it scales out. Requests to different instances race in storage, not in one process's locks.
    /// </summary>
    public async Task<TestHost> SecondInstanceAsync() => await TestHost.StartAsync(Azurite.ConnectionString,
        new Dictionary<string, string?>
        {
            [SettingNames.TelegramApiBaseUrl] = Telegram.BaseUrl,
            [SettingNames.LocalCredentialKey] = Host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()[SettingNames.LocalCredentialKey],
        },
        s => s.AddSingleton<TimeProvider>(Clock));

    public async Task<int> QueuedForAsync(TenantSession tenant, string queue) =>
        (await DrainAsync(queue)).Count(m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);

    public Task<List<JsonElement>> DrainAsync(string queue) => Deliveries.DrainAsync(Azurite.ConnectionString, queue);

    /// <summary>A tenant with an active Telegram bot: its webhook URL and the secret Telegram was given.</summary>
    public async Task<(TenantSession Tenant, int IntegrationId, string WebhookUrl, string Secret)> ActiveTelegramAsync(
        string? plan = null, string country = "UA", TenantSession? tenant = null)
    {
        tenant ??= await Host.RegisterAsync(country: country, plan: plan);
        var token = SecretSentinel.NewTelegramToken();
        var integration = await Host.ConnectTelegramAsync(tenant, token);
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        var secret = Telegram.CallsOf("setWebhook").Last(c => c.Token == token).Body.GetProperty("secret_token").GetString()!;
        return (tenant, integration.Id(), integration.GetProperty("webhook_url").GetString()!, secret);
    }

    public async Task<JsonElement> MessagesAsync(TenantSession tenant, string query = "") =>
        await Host.GetJsonAsync(tenant, "/api/messages/" + query);

    public Task<int> UsageAsync(TenantSession tenant) => Host.UsageAsync(tenant);

    /// <summary>
    /// Delivers as Telegram does: a 503 (storage busy, e.g. two instances contending for one tenant's counter)
    /// is delivered again after a pause, up to five times.
    /// </summary>
    public static async Task<HttpResponseMessage> DeliverWithRetriesAsync(TestHost host, string url, string secret, object update)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await host.Client.SendAsync(Deliveries.Telegram(url, secret, update));
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5) return response;
            Assert.NotNull(response.Headers.RetryAfter);
            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
        }
    }

    public static async Task OkAsync(HttpResponseMessage response) => await response.JsonAsync(HttpStatusCode.OK);
}

/// <summary>The webhook fixture over an Azurite that survives being stopped.</summary>
public sealed class PersistentWebhookFixture() : WebhookFixture(persistent: true);
