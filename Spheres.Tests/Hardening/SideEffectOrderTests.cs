using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary>
/// A provider hears of a change only after the row that remembers it is written; when the row cannot
/// be written, the provider is left as it was. Each case injects the failure that used to break it.
/// </summary>
public sealed class SideEffectOrderTests : IAsyncLifetime
{
    private FakeTelegram _telegram = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegram.StartAsync();
        _host = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = _telegram.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private static bool IntegrationWrite(HttpMessage m) =>
        StorageFaults.IsTable(m, TableNames.Integrations) && m.Request.Method == RequestMethod.Put;

    private static bool IntegrationBatch(HttpMessage m) => StorageFaults.IsTableBatch(m);

    private async Task<(TenantSession Tenant, int Id, string Token)> ActiveBotAsync()
    {
        var tenant = await _host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await _host.ConnectTelegramAsync(tenant, token);
        await (await _host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        return (tenant, created.Id(), token);
    }

    private async Task<Integration> RowAsync(TenantSession tenant, int id) =>
        (await _host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, id, default))!;

    [Fact]
    public async Task When_the_row_cannot_take_the_new_secret_telegram_is_never_given_it()
    {
        var tenant = await _host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await _host.ConnectTelegramAsync(tenant, token);
        _host.StorageFaults.FailWhen(IntegrationWrite);

        var response = await _host.PostActionAsync(tenant, created.Id(), "activate");
        _host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(_telegram.CallsOf("setWebhook"), c => c.Token == token);
        var row = await RowAsync(tenant, created.Id());
        Assert.Equal((IntegrationStatus.Pending, null), (row.Status, row.WebhookSecretRef));

        // Healed, the next activation gives Telegram exactly the secret the row holds.
        await (await _host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        row = await RowAsync(tenant, created.Id());
        var held = (await _host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row.WebhookSecretRef!, default))!["secret_token"];
        Assert.Equal(held, Assert.Single(_telegram.CallsOf("setWebhook"), c => c.Token == token).Body.GetProperty("secret_token").GetString());
    }

    [Fact]
    public async Task A_delete_whose_row_write_fails_leaves_the_bot_connected_and_active()
    {
        var (tenant, id, token) = await ActiveBotAsync();
        _host.StorageFaults.FailWhen(IntegrationBatch);

        var response = await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));
        _host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(_telegram.CallsOf("deleteWebhook"), c => c.Token == token);
        Assert.Equal(IntegrationStatus.Active, (await RowAsync(tenant, id)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"))).StatusCode);
        Assert.Single(_telegram.CallsOf("deleteWebhook"), c => c.Token == token);
    }

    [Fact]
    public async Task A_deactivation_whose_row_write_fails_leaves_the_webhook_in_place()
    {
        var (tenant, id, token) = await ActiveBotAsync();
        _host.StorageFaults.FailWhen(IntegrationWrite);

        var response = await _host.PostActionAsync(tenant, id, "deactivate");
        _host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(_telegram.CallsOf("deleteWebhook"), c => c.Token == token);
        Assert.Equal(IntegrationStatus.Active, (await RowAsync(tenant, id)).Status);
    }

    [Fact]
    public async Task A_replaced_token_is_kept_until_its_bots_webhook_is_removed_even_when_telegram_is_down_at_first()
    {
        var (tenant, id, oldToken) = await ActiveBotAsync();
        var newToken = SecretSentinel.NewTelegramToken();
        _telegram.FailingMethods["deleteWebhook"] = 0;

        var put = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/",
            new { credentials = new { bot_token = newToken } }))).JsonAsync();

        Assert.Equal("pending", put.Status());
        Assert.Contains("Telegram did not confirm", put.GetProperty("status_detail").GetString());
        var retired = (await RowAsync(tenant, id)).RetiredCredentialsRef;
        Assert.NotNull(retired);
        var vault = _host.Services.GetRequiredService<ICredentialVault>();
        Assert.Equal(oldToken, (await vault.ReadAsync(retired!, default))!["bot_token"]); // still there to remove the webhook with

        _telegram.FailingMethods.Clear();
        Assert.Equal("active", (await (await _host.PostActionAsync(tenant, id, "activate")).JsonAsync()).Status());

        Assert.Equal(2, _telegram.CallsOf("deleteWebhook").Count(c => c.Token == oldToken)); // refused once, then done
        Assert.Null((await RowAsync(tenant, id)).RetiredCredentialsRef);
        Assert.Null(await vault.ReadAsync(retired!, default));
        Assert.Single(_telegram.CallsOf("setWebhook"), c => c.Token == newToken);
    }

    [Fact]
    public async Task Replacing_the_token_of_an_active_bot_removes_the_old_bots_webhook_at_once()
    {
        var (tenant, id, oldToken) = await ActiveBotAsync();
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/",
            new { credentials = new { bot_token = SecretSentinel.NewTelegramToken() } }))).JsonAsync();

        Assert.Single(_telegram.CallsOf("deleteWebhook"), c => c.Token == oldToken);
        Assert.Null((await RowAsync(tenant, id)).RetiredCredentialsRef);
    }
}
