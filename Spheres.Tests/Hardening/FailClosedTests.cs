using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary>
/// A secret that is missing, or still the literal text of an unresolved Key Vault reference, switches off
/// what depends on it with 503 not-configured: nothing verifies or signs with it.
/// </summary>
public sealed class FailClosedTests
{
    private const string Unresolved = "@Microsoft.KeyVault(VaultName=kv-spheres-prod;SecretName=spheres-meta-app-secret)";

    public static TheoryData<string?> Unusable() => new() { Unresolved, "", "   " };

    private static Task<TestHost> HostWithAsync(string setting, string? value) =>
        TestHost.StartSharedAsync(new Dictionary<string, string?> { [setting] = value });

    private static async Task AssertNotConfiguredAsync(HttpResponseMessage response)
    {
        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith("/not-configured", problem.GetProperty("type").GetString());
        Assert.DoesNotContain("@Microsoft.KeyVault", problem.GetRawText());
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task Meta_deliveries_signed_with_the_unresolved_reference_text_are_not_verified(string? secret)
    {
        await using var host = await HostWithAsync(SettingNames.MetaAppSecret, secret);
        var body = """{"object":"page","entry":[{"id":"1","messaging":[]}]}""";
        // The attacker's guess: the reference text itself as the HMAC key.
        await AssertNotConfiguredAsync(await host.Client.SendAsync(Deliveries.Meta(body, appSecret: secret is { Length: > 0 } s ? s.Trim() is { Length: > 0 } t ? t : "x" : "x")));
    }

    [Fact]
    public async Task The_meta_handshake_does_not_echo_a_challenge_for_an_unresolved_verify_token()
    {
        await using var host = await HostWithAsync(SettingNames.MetaVerifyToken, Unresolved);
        await AssertNotConfiguredAsync(await host.Client.GetAsync(
            $"/api/webhooks/meta/?hub.mode=subscribe&hub.verify_token={Uri.EscapeDataString(Unresolved)}&hub.challenge=42"));
    }

    [Theory]
    [InlineData(SettingNames.CalendlySigningKey, "/api/webhooks/calendly/", "Calendly-Webhook-Signature")]
    [InlineData(SettingNames.ZoomWebhookSecret, "/api/webhooks/zoom/", "x-zm-signature")]
    [InlineData(SettingNames.SquareSignatureKey, "/api/webhooks/square/", "x-square-hmacsha256-signature")]
    public async Task Event_providers_answer_503_not_500_when_their_key_is_unresolved(string setting, string path, string header)
    {
        await using var host = await HostWithAsync(setting, Unresolved);
        var response = await host.Client.SendAsync(Deliveries.Signed(path, "{}", (header, "t=1,v1=00"), ("x-zm-request-timestamp", "1")));
        await AssertNotConfiguredAsync(response);

        await using var missing = await HostWithAsync(setting, null);
        await AssertNotConfiguredAsync(await missing.Client.SendAsync(Deliveries.Signed(path, "{}", (header, "t=1,v1=00"))));
    }

    [Fact]
    public async Task Without_a_signing_key_registration_is_503_and_leaves_no_account()
    {
        await using var host = await HostWithAsync(SettingNames.AuthSigningKey, "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x)");
        var email = Tenants.UniqueEmail();
        await AssertNotConfiguredAsync(await host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = Tenants.Password, name = "Olena", business_name = "Olena", sphere_slug = "beauty",
        }));

        // With the key back, the same email registers: nothing of the failed attempt was left behind.
        await using var healthy = await TestHost.StartSharedAsync();
        await healthy.RegisterAsync(email: email);
        await AssertNotConfiguredAsync(await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/accounts/profile/")
        {
            Headers = { Authorization = new("Bearer", "eyJhbGciOiJIUzI1NiJ9.e30.x") },
        }));
    }

    [Fact]
    public async Task A_telegram_bot_whose_stored_secret_is_gone_answers_503_and_stores_nothing()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = telegram.BaseUrl });
        var tenant = await host.RegisterAsync();
        var created = await host.ConnectTelegramAsync(tenant);
        await (await host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        var row = await host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, created.Id(), default);
        var secret = (await host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row!.WebhookSecretRef!, default))!["secret_token"];
        await host.Services.GetRequiredService<ICredentialVault>().DeleteAsync(row.WebhookSecretRef!, default);

        var delivery = Deliveries.Telegram(created.GetProperty("webhook_url").GetString()!, secret,
            Deliveries.TelegramUpdate(7001, 42, "Привіт", DateTimeOffset.UtcNow));
        await AssertNotConfiguredAsync(await host.Client.SendAsync(delivery));
        var messages = await host.GetJsonAsync(tenant, "/api/messages/");
        Assert.Equal(0, messages.GetProperty("results").GetArrayLength());
    }
}
