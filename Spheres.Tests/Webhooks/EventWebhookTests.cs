using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

/// <summary>Calendly, Zoom, Square and Google Calendar, verified as their documentation says, stored once as events.</summary>
public sealed class EventWebhookTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<(TenantSession Tenant, int IntegrationId)> ActiveAsync(string slug, string routingSetting, string accountId, string plan = "free")
    {
        var tenant = await Host.RegisterAsync(plan: plan);
        var integration = await Host.CreateIntegrationAsync(tenant, slug,
            new Dictionary<string, string> { [routingSetting] = accountId }, new { access_token = (await FakeProviderAccounts.Shared).TokenFor(slug, accountId) });
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return (tenant, integration.Id());
    }

    private Task<IReadOnlyList<IntegrationEvent>> EventsAsync(TenantSession tenant) =>
        Host.Services.GetRequiredService<IntegrationEventStore>().ListAsync(tenant.TenantId, default);

    [Fact]
    public async Task Calendly_signed_events_are_stored_once_and_stale_signatures_refused()
    {
        var userUri = $"https://api.calendly.com/users/{Guid.NewGuid():N}";
        var (tenant, integrationId) = await ActiveAsync("calendly", "user_uri", userUri);
        var body = JsonSerializer.Serialize(new
        {
            @event = "invitee.created", created_at = "2026-11-26T20:15:00.000000Z", created_by = userUri,
            payload = new { uri = $"https://api.calendly.com/scheduled_events/E1/invitees/{Guid.NewGuid():N}", email = "client@example.com", name = "Марта" },
        });
        var t = fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();
        var signature = $"t={t},v1={Deliveries.HexHmac(TestHost.CalendlySigningKey, t + "." + body)}";

        var first = await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/calendly/", body, ("Calendly-Webhook-Signature", signature)))).JsonAsync();
        var repeat = await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/calendly/", body, ("Calendly-Webhook-Signature", signature)))).JsonAsync();

        Assert.Equal("stored", first.GetProperty("outcome").GetString());
        Assert.Equal("repeat", repeat.GetProperty("outcome").GetString());
        var stored = Assert.Single(await EventsAsync(tenant));
        Assert.Equal(("booking_created", integrationId), (stored.Kind, stored.IntegrationId));

        var old = (fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(4)).ToUnixTimeSeconds().ToString();
        var stale = $"t={old},v1={Deliveries.HexHmac(TestHost.CalendlySigningKey, old + "." + body)}";
        await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/calendly/", body, ("Calendly-Webhook-Signature", stale)))).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/calendly/", body, ("Calendly-Webhook-Signature", $"t={t},v1=00")))).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("t=1,t=2")]
    [InlineData("t=1,t=2,v1=00")]
    [InlineData("v1=00,v1=01,t=5")]
    [InlineData("t")]
    [InlineData(",,,")]
    [InlineData("t=99999999999999999999,v1=00")]
    [InlineData("t=-5,v1=00")]
    [InlineData("")]
    public async Task Any_malformed_calendly_signature_header_is_401(string header)
    {
        var response = await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/calendly/", "{}", ("Calendly-Webhook-Signature", header)));
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("..")]
    [InlineData("x?y")]
    [InlineData("a-very-long-channel-id-that-is-not-ours-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_google_channel_id_that_could_not_be_ours_is_401_not_an_outage(string channelId)
    {
        var push = Deliveries.Signed("/api/webhooks/google-calendar/", "",
            ("X-Goog-Channel-ID", channelId), ("X-Goog-Channel-Token", "t"), ("X-Goog-Resource-State", "exists"));
        await (await Host.Client.SendAsync(push)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Zoom_url_validation_is_answered_with_the_signed_plain_token()
    {
        var body = """{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}""";
        var ts = fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();
        var response = await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/zoom/", body,
            ("x-zm-request-timestamp", ts), ("x-zm-signature", "v0=" + Deliveries.HexHmac(TestHost.ZoomWebhookSecret, $"v0:{ts}:{body}"))));

        var answer = await response.JsonAsync();
        Assert.Equal("qgg8vlvZRS6UYooatFL8Aw", answer.GetProperty("plainToken").GetString());
        Assert.Equal(Deliveries.HexHmac(TestHost.ZoomWebhookSecret, "qgg8vlvZRS6UYooatFL8Aw"), answer.GetProperty("encryptedToken").GetString());
    }

    [Fact]
    public async Task Zoom_meeting_started_is_stored_for_the_account_and_a_bad_signature_refused()
    {
        var accountId = "AAAA" + Guid.NewGuid().ToString("N")[..12];
        var (tenant, _) = await ActiveAsync("zoom", "account_id", accountId);
        var body = JsonSerializer.Serialize(new
        {
            @event = "meeting.started", event_ts = 1_764_188_100_000,
            payload = new { account_id = accountId, @object = new { uuid = "4444AAAiAAAAAiAiAiiAii==", id = "85052185124", topic = "Консультація" } },
        });
        HttpRequestMessage Delivery(string ts, string secret) => Deliveries.Signed("/api/webhooks/zoom/", body,
            ("x-zm-request-timestamp", ts), ("x-zm-signature", "v0=" + Deliveries.HexHmac(secret, $"v0:{ts}:{body}")));
        var now = fixture.Clock.GetUtcNow();
        await (await Host.Client.SendAsync(Delivery(now.ToUnixTimeSeconds().ToString(), TestHost.ZoomWebhookSecret))).JsonAsync();
        await (await Host.Client.SendAsync(Delivery(now.ToUnixTimeSeconds().ToString(), "wrong"))).ProblemAsync(HttpStatusCode.Unauthorized);

        // A correctly signed delivery replayed after 5 minutes, or with a timestamp that is no number, is refused.
        var replayed = await (await Host.Client.SendAsync(Delivery((now - TimeSpan.FromMinutes(6)).ToUnixTimeSeconds().ToString(), TestHost.ZoomWebhookSecret)))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("5 minutes", replayed.GetProperty("detail").GetString());
        await (await Host.Client.SendAsync(Delivery("soon", TestHost.ZoomWebhookSecret))).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("meeting_started", Assert.Single(await EventsAsync(tenant)).Kind);
    }

    [Fact]
    public async Task Square_signs_the_notification_url_and_the_body()
    {
        var merchantId = "ML" + Guid.NewGuid().ToString("N")[..14].ToUpperInvariant();
        var (tenant, _) = await ActiveAsync("square-appointments", "merchant_id", merchantId, plan: "starter");
        var body = JsonSerializer.Serialize(new
        {
            merchant_id = merchantId, type = "booking.created", event_id = Guid.NewGuid().ToString(), created_at = "2026-11-26T10:00:00Z",
            data = new { type = "booking", id = "bk1", @object = new { booking = new { id = "bk1", status = "ACCEPTED" } } },
        });
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(TestHost.SquareSignatureKey), System.Text.Encoding.UTF8.GetBytes("https://spheres.test/api/webhooks/square/" + body)));

        await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/square/", body, ("x-square-hmacsha256-signature", signature)))).JsonAsync();
        var otherUrl = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(TestHost.SquareSignatureKey), System.Text.Encoding.UTF8.GetBytes("https://evil.example/api/webhooks/square/" + body)));
        await (await Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/square/", body, ("x-square-hmacsha256-signature", otherUrl)))).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("booking_created", Assert.Single(await EventsAsync(tenant)).Kind);
    }

    [Fact]
    public async Task Google_calendar_pushes_are_checked_against_our_channel_token()
    {
        var tenant = await Host.RegisterAsync();
        var created = await Host.CreateIntegrationAsync(tenant, "google-calendar", new { calendar_id = "primary" }, new { access_token = SecretSentinel.NewSecret("google") });
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        var row = await Host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, created.Id(), default);
        var token = (await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row!.WebhookSecretRef!, default))!["channel_token"];

        HttpRequestMessage Push(string state, string number, string channelToken) => Deliveries.Signed("/api/webhooks/google-calendar/", "",
            ("X-Goog-Channel-ID", row.WebhookKey), ("X-Goog-Channel-Token", channelToken), ("X-Goog-Resource-State", state), ("X-Goog-Message-Number", number));

        Assert.Equal("ignored", (await (await Host.Client.SendAsync(Push("sync", "1", token))).JsonAsync()).GetProperty("outcome").GetString());
        Assert.Equal("stored", (await (await Host.Client.SendAsync(Push("exists", "2", token))).JsonAsync()).GetProperty("outcome").GetString());
        Assert.Equal("repeat", (await (await Host.Client.SendAsync(Push("exists", "2", token))).JsonAsync()).GetProperty("outcome").GetString());
        await (await Host.Client.SendAsync(Push("exists", "3", "guessed"))).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("calendar_changed", Assert.Single(await EventsAsync(tenant)).Kind);
    }
}
