using System.Net;
using Spheres.Core.Configuration;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

/// <summary>
/// Every test host scans its responses and log lines for the credential values tests register
/// (SecretSentinel). This test walks one credential through its whole life, errors included,
/// and checks that the scan ran and found nothing.
/// </summary>
public sealed class CredentialLeakTests
{
    [Fact]
    public async Task No_response_or_log_line_contains_a_credential_value()
    {
        await using var telegram = await FakeTelegram.StartAsync();
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = telegram.BaseUrl });
        var tenant = await host.RegisterAsync();
        var responsesBefore = SecretSentinel.ResponsesScanned;
        var logsBefore = SecretSentinel.LogLinesScanned;

        var token = SecretSentinel.NewTelegramToken();
        var created = await host.ConnectTelegramAsync(tenant, token);
        await host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{created.Id()}/");
        await host.GetJsonAsync(tenant, IntegrationsApi.Base);
        await (await host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        var revoked = SecretSentinel.NewTelegramToken();
        telegram.RevokedTokens[revoked] = 0;
        await host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{created.Id()}/", new { credentials = new { bot_token = revoked } }));
        await (await host.PostActionAsync(tenant, created.Id(), "activate")).ProblemAsync(HttpStatusCode.BadRequest);
        await host.Client.SendAsync(tenant.Request(HttpMethod.Post, IntegrationsApi.Base,
            new { integration_type_slug = "whatsapp", credentials = new { access_token = SecretSentinel.NewSecret("wa"), bogus = SecretSentinel.NewSecret("bogus") } }));
        await host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{created.Id()}/"));

        Assert.True(SecretSentinel.ResponsesScanned > responsesBefore);
        Assert.True(SecretSentinel.LogLinesScanned > logsBefore, "the hosts' log lines should be captured and scanned");
        Assert.Empty(SecretSentinel.LeaksFound);
    }
}
