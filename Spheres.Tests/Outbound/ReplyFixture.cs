using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Configuration;
using Spheres.DevHost;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Outbound;

/// <summary>
/// DevHost with its queue triggers on, over an Azurite of its own, a fake Telegram and a fake Graph
/// API. Tests wait for what a user would see (a row's state, an idle queue), never for a time.
/// </summary>
public class ReplyFixture : IAsyncLifetime
{
    private readonly bool _persistent;

    public ReplyFixture() : this(persistent: false) { }

    protected ReplyFixture(bool persistent) => _persistent = persistent;

    public AzuriteServer Azurite { get; private set; } = null!;
    public FakeTelegram Telegram { get; private set; } = null!;
    public FakeGraph Graph { get; private set; } = null!;
    public TestHost Host { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync(_persistent);
        Telegram = await FakeTelegram.StartAsync();
        var accounts = await FakeProviderAccounts.Shared;
        Graph = await FakeGraph.StartAsync(accounts.MapGraphOwnership); // activation asks Graph which account a token is
        var settings = QueueTriggers.On();
        settings[SettingNames.TelegramApiBaseUrl] = Telegram.BaseUrl;
        settings[SettingNames.MetaGraphApiBaseUrl] = Graph.BaseUrl;
        Host = await TestHost.StartAsync(Azurite.ConnectionString, settings, s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            AddServices(s);
        });
    }

    /// <summary>What a derived fixture adds to the host (an in-memory telemetry exporter).</summary>
    protected virtual void AddServices(IServiceCollection services) { }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Graph.DisposeAsync();
        await Telegram.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public QueueActivity Activity(string queue) => Host.Activity(queue);

    public QueueClient Queue(string name) => QueueTriggers.Queue(Azurite.ConnectionString, name);

    public static Task UntilAsync(Func<Task<bool>> condition, string what) => QueueTriggers.UntilAsync(condition, what);

    public Task IdleAsync(string queue) => Host.IdleAsync(Azurite.ConnectionString, queue);

    public async Task<JsonElement> MessageAsync(TenantSession tenant, string messageId) =>
        await Host.GetJsonAsync(tenant, $"/api/messages/{messageId}/");

    public async Task<JsonElement> OnlyMessageAsync(TenantSession tenant) =>
        Assert.Single((await Host.GetJsonAsync(tenant, "/api/messages/")).GetProperty("results").EnumerateArray());

    /// <summary>Until the message's reply has <paramref name="status"/>; returns the reply.</summary>
    public async Task<JsonElement> ReplyReachesAsync(TenantSession tenant, string messageId, string status)
    {
        JsonElement reply = default;
        await UntilAsync(async () =>
        {
            reply = (await MessageAsync(tenant, messageId)).GetProperty("reply");
            return reply.ValueKind == JsonValueKind.Object && reply.GetProperty("status").GetString() == status;
        }, $"reply of {messageId} is {status}");
        return reply;
    }

    /// <summary>A tenant with an active Telegram bot: its token, webhook URL and the secret Telegram was given.</summary>
    public async Task<(TenantSession Tenant, int IntegrationId, string Token, string WebhookUrl, string Secret)> ActiveTelegramAsync(
        string plan = "starter", string country = "UA")
    {
        var tenant = await Host.RegisterAsync(country: country, plan: plan);
        var token = SecretSentinel.NewTelegramToken();
        var integration = await Host.ConnectTelegramAsync(tenant, token);
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        var secret = Telegram.CallsOf("setWebhook").Last(c => c.Token == token).Body.GetProperty("secret_token").GetString()!;
        return (tenant, integration.Id(), token, integration.GetProperty("webhook_url").GetString()!, secret);
    }

    public static string NewAccountId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();

    /// <summary>A tenant with an active Messenger, Instagram or WhatsApp integration for <paramref name="accountId"/> (Graph confirms the owner).</summary>
    public async Task<(TenantSession Tenant, int IntegrationId, string Token)> ActiveMetaAsync(string slug, string routingSetting, string accountId,
        string credential, string plan = "starter")
    {
        var tenant = await Host.RegisterAsync(plan: plan);
        var token = (await FakeProviderAccounts.Shared).TokenFor(slug, accountId);
        var settings = new Dictionary<string, string> { [routingSetting] = accountId };
        if (slug == "whatsapp") settings["waba_id"] = "102290129340398";
        var integration = await Host.CreateIntegrationAsync(tenant, slug, settings, new Dictionary<string, string> { [credential] = token });
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return (tenant, integration.Id(), token);
    }

    /// <summary>A week that is closed now in Kyiv: open only on the weekday two days ahead, 09:00–18:00; and that opening.</summary>
    public object[] ClosedNowWeek(out NodaTime.OffsetDateTime nextOpen)
    {
        var kyiv = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Kyiv"];
        var today = NodaTime.Instant.FromDateTimeOffset(Clock.GetUtcNow()).InZone(kyiv).Date;
        var openDay = today.PlusDays(2);
        nextOpen = kyiv.AtStrictly(openDay.At(new NodaTime.LocalTime(9, 0))).ToOffsetDateTime();
        return [WorkingHoursApi.Row((int)openDay.DayOfWeek - 1, "09:00", "18:00")];
    }

    public IEnumerable<FakeTelegram.Call> SendsOf(string token) => Telegram.CallsOf("sendMessage").Where(c => c.Token == token);
}

/// <summary>The reply fixture over an Azurite that survives being stopped.</summary>
public sealed class PersistentReplyFixture() : ReplyFixture(persistent: true);
