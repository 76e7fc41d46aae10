using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary><c>POST /api/webhooks/gmail/</c>: only Google's OIDC token for our audience and push account gets a change stored, once.</summary>
[Collection(OAuthMaintenanceCollection.Name)]
public sealed class GmailPushTests(OAuthMaintenanceFixture fx)
{
    private const string Path = "/api/webhooks/gmail/";

    /// <summary>A Gmail integration whose mailbox is routed, as the consent callback leaves it (written directly here).</summary>
    private async Task<(TenantSession Tenant, int IntegrationId, string Email)> RoutedMailboxAsync()
    {
        var (tenant, integration, _, _) = await fx.ConnectedAsync("gmail", TimeSpan.FromHours(1));
        var email = $"salon-{Guid.NewGuid():N}@gmail.com";
        var key = WebhookRoutes.AccountKey("gmail", email);
        Assert.NotNull(await fx.Get<IntegrationStore>().TryReplaceAsync(integration with { RouteKey = key, SettingsJson = JsonSerializer.Serialize(new { email }) }, default));
        Assert.True(await fx.Get<WebhookRoutes>().TryClaimAsync(key, new WebhookRoute(tenant.TenantId, integration.Id), default));
        return (tenant, integration.Id, email);
    }

    private static string Body(string email, string messageId, long historyId = 1234567) => JsonSerializer.Serialize(new
    {
        message = new
        {
            data = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { emailAddress = email, historyId }))),
            messageId, message_id = messageId, publishTime = "2026-11-27T21:00:00.123Z", publish_time = "2026-11-27T21:00:00.123Z",
        },
        subscription = "projects/spheres-test/subscriptions/gmail-push",
    });

    private static HttpRequestMessage Push(string body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private Task<IReadOnlyList<IntegrationEvent>> EventsAsync(TenantSession tenant) => fx.Get<IntegrationEventStore>().ListAsync(tenant.TenantId, default);

    [Fact]
    public async Task A_verified_push_is_stored_once_for_the_mailbox_and_a_repeat_is_200()
    {
        var (tenant, integrationId, email) = await RoutedMailboxAsync();
        var body = Body(email.ToUpperInvariant(), "1234" + Random.Shared.Next()); // Google may spell the address in capitals

        var first = await (await fx.Host.Client.SendAsync(Push(body, GoogleOidcTokens.Sign(fx.Clock.GetUtcNow()))) ).JsonAsync();
        var repeat = await (await fx.Host.Client.SendAsync(Push(body, GoogleOidcTokens.Sign(fx.Clock.GetUtcNow(), issuer: "accounts.google.com")))).JsonAsync();

        Assert.Equal(("stored", "repeat"), (first.GetProperty("outcome").GetString(), repeat.GetProperty("outcome").GetString()));
        var stored = Assert.Single(await EventsAsync(tenant));
        Assert.Equal(("gmail", "mailbox_changed", integrationId), (stored.Provider, stored.Kind, stored.IntegrationId));
        Assert.Equal("1234567", JsonDocument.Parse(stored.Payload).RootElement.GetProperty("history_id").GetString());
        Assert.Empty(SecretSentinel.LeaksFound); // the OIDC tokens are registered: none was logged
    }

    [Fact]
    public async Task A_push_for_a_mailbox_nobody_connected_is_200_and_ignored()
    {
        var answer = await (await fx.Host.Client.SendAsync(Push(Body($"nobody-{Guid.NewGuid():N}@gmail.com", "77"), GoogleOidcTokens.Sign(fx.Clock.GetUtcNow())))).JsonAsync();
        Assert.Equal("ignored", answer.GetProperty("outcome").GetString());
    }

    public static TheoryData<string> BadTokens => ["wrong audience", "wrong issuer", "other account", "email not verified", "expired", "not yet valid", "other key", "none", "garbage", "unsigned"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_token_that_is_not_googles_for_us_is_401_and_nothing_is_stored(string what)
    {
        var (tenant, _, email) = await RoutedMailboxAsync();
        var now = fx.Clock.GetUtcNow();
        using var otherKey = RSA.Create(2048);
        var token = what switch
        {
            "wrong audience" => GoogleOidcTokens.Sign(now, audience: "https://elsewhere.example/push"),
            "wrong issuer" => GoogleOidcTokens.Sign(now, issuer: "https://evil.example"),
            "other account" => GoogleOidcTokens.Sign(now, email: "someone@attacker.iam.gserviceaccount.com"),
            "email not verified" => GoogleOidcTokens.Sign(now, emailVerified: false),
            "expired" => GoogleOidcTokens.Sign(now - TimeSpan.FromHours(2)),
            "not yet valid" => GoogleOidcTokens.Sign(now + TimeSpan.FromHours(2)),
            "other key" => GoogleOidcTokens.Sign(now, otherKey: otherKey),
            "garbage" => "not.a.jwt",
            "unsigned" => UnsignedCopy(GoogleOidcTokens.Sign(now)),
            _ => null,
        };

        await (await fx.Host.Client.SendAsync(Push(Body(email, "401-" + Guid.NewGuid().ToString("N")), token))).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Empty(await EventsAsync(tenant));
    }

    /// <summary>The same claims with <c>alg: none</c> and no signature.</summary>
    private static string UnsignedCopy(string token)
    {
        var parts = token.Split('.');
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);
        return SecretSentinel.Register(header + "." + parts[1] + ".");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"message":{"data":"not base64!","messageId":"1"}}""")]
    [InlineData("""{"message":{"data":"e30=","messageId":"1"}}""")]
    [InlineData("""{"message":{"data":"eyJlbWFpbEFkZHJlc3MiOiJub3QtYW4tYWRkcmVzcyIsImhpc3RvcnlJZCI6MX0=","messageId":"1"}}""")]
    [InlineData("[1,2]")]
    public async Task A_verified_push_that_is_not_a_gmail_change_is_400(string body)
    {
        await (await fx.Host.Client.SendAsync(Push(body, GoogleOidcTokens.Sign(fx.Clock.GetUtcNow())))).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_over_64_kb_is_refused_before_it_is_read()
    {
        var response = await fx.Host.Client.SendAsync(Push(new string(' ', 70 * 1024) + "{}", GoogleOidcTokens.Sign(fx.Clock.GetUtcNow())));
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(SettingNames.GooglePubSubAudience, "")]
    [InlineData(SettingNames.GooglePubSubServiceAccount, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/pubsub)")]
    public async Task Without_its_settings_the_endpoint_is_503_not_configured(string setting, string value)
    {
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [setting] = value });
        var problem = await (await host.Client.SendAsync(Push(Body("a@gmail.com", "1"), GoogleOidcTokens.Sign(DateTimeOffset.UtcNow)))).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith(ConfiguredSecrets.NotConfiguredType, problem.GetProperty("type").GetString());
    }
}
