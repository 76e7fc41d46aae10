using System.Net;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary>
/// A provider hears of a change only after the row that remembers it is written; when the row cannot
/// be written, the provider is left as it was. Each case injects the failure that used to break it.
/// </summary>
public sealed class SideEffectOrderTests : WithFakeTelegram
{
    private static bool IntegrationWrite(HttpMessage m) =>
        StorageFaults.IsTable(m, TableNames.Integrations) && m.Request.Method == RequestMethod.Put;

    private static bool IntegrationBatch(HttpMessage m) => StorageFaults.IsTableBatch(m);

    private async Task<(TenantSession Tenant, int Id, string Token)> ActiveBotAsync()
    {
        var tenant = await Host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await Host.ConnectTelegramAsync(tenant, token);
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        return (tenant, created.Id(), token);
    }

    private async Task<Integration> RowAsync(TenantSession tenant, int id) =>
        (await Host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, id, default))!;

    [Fact]
    public async Task When_the_row_cannot_take_the_new_secret_telegram_is_never_given_it()
    {
        var tenant = await Host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await Host.ConnectTelegramAsync(tenant, token);
        Host.StorageFaults.FailWhen(IntegrationWrite);

        var response = await Host.PostActionAsync(tenant, created.Id(), "activate");
        Host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(Telegram.CallsOf("setWebhook"), c => c.Token == token);
        var row = await RowAsync(tenant, created.Id());
        Assert.Equal((IntegrationStatus.Pending, null), (row.Status, row.WebhookSecretRef));

        // Healed, the next activation gives Telegram exactly the secret the row holds.
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        row = await RowAsync(tenant, created.Id());
        var held = (await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row.WebhookSecretRef!, default))!["secret_token"];
        Assert.Equal(held, Assert.Single(Telegram.CallsOf("setWebhook"), c => c.Token == token).Body.GetProperty("secret_token").GetString());
    }

    [Fact]
    public async Task A_delete_whose_row_write_fails_leaves_the_bot_connected_and_active()
    {
        var (tenant, id, token) = await ActiveBotAsync();
        Host.StorageFaults.FailWhen(IntegrationBatch);

        var response = await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));
        Host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(Telegram.CallsOf("deleteWebhook"), c => c.Token == token);
        Assert.Equal(IntegrationStatus.Active, (await RowAsync(tenant, id)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"))).StatusCode);
        Assert.Single(Telegram.CallsOf("deleteWebhook"), c => c.Token == token);
    }

    [Fact]
    public async Task A_deactivation_whose_row_write_fails_leaves_the_webhook_in_place()
    {
        var (tenant, id, token) = await ActiveBotAsync();
        Host.StorageFaults.FailWhen(IntegrationWrite);

        var response = await Host.PostActionAsync(tenant, id, "deactivate");
        Host.StorageFaults.Heal();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(Telegram.CallsOf("deleteWebhook"), c => c.Token == token);
        Assert.Equal(IntegrationStatus.Active, (await RowAsync(tenant, id)).Status);
    }

    [Fact]
    public async Task A_replaced_token_is_kept_until_its_bots_webhook_is_removed_even_when_telegram_is_down_at_first()
    {
        var (tenant, id, oldToken) = await ActiveBotAsync();
        var newToken = SecretSentinel.NewTelegramToken();
        Telegram.FailingMethods["deleteWebhook"] = 0;

        var put = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/",
            new { credentials = new { bot_token = newToken } }))).JsonAsync();

        Assert.Equal("pending", put.Status());
        Assert.Contains("Telegram did not confirm", put.GetProperty("status_detail").GetString());
        var retired = (await RowAsync(tenant, id)).RetiredCredentialsRef;
        Assert.NotNull(retired);
        var vault = Host.Services.GetRequiredService<ICredentialVault>();
        Assert.Equal(oldToken, (await vault.ReadAsync(retired!, default))!["bot_token"]); // still there to remove the webhook with

        Telegram.FailingMethods.Clear();
        Assert.Equal("active", (await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync()).Status());

        Assert.Equal(2, Telegram.CallsOf("deleteWebhook").Count(c => c.Token == oldToken)); // refused once, then done
        Assert.Null((await RowAsync(tenant, id)).RetiredCredentialsRef);
        Assert.Null(await vault.ReadAsync(retired!, default));
        Assert.Single(Telegram.CallsOf("setWebhook"), c => c.Token == newToken);
    }

    [Fact]
    public async Task Replacing_the_token_of_an_active_bot_removes_the_old_bots_webhook_at_once()
    {
        var (tenant, id, oldToken) = await ActiveBotAsync();
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/",
            new { credentials = new { bot_token = SecretSentinel.NewTelegramToken() } }))).JsonAsync();

        Assert.Single(Telegram.CallsOf("deleteWebhook"), c => c.Token == oldToken);
        Assert.Null((await RowAsync(tenant, id)).RetiredCredentialsRef);
    }
}
