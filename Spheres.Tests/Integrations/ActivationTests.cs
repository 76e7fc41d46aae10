using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

/// <summary>Activation with the providers, Telegram played by a local fake that records every call.</summary>
public sealed class ActivationTests : WithFakeTelegram
{
    [Fact]
    public async Task Telegram_activation_checks_the_token_and_sets_the_webhook_with_a_fresh_secret()
    {
        var tenant = await Host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await Host.ConnectTelegramAsync(tenant, token);

        var active = await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();

        Assert.Equal("active", active.Status());
        Assert.Single(Telegram.CallsOf("getMe"), c => c.Token == token);
        var setWebhook = Assert.Single(Telegram.CallsOf("setWebhook"), c => c.Token == token);
        Assert.Equal(created.GetProperty("webhook_url").GetString(), setWebhook.Body.GetProperty("url").GetString());
        var secret = setWebhook.Body.GetProperty("secret_token").GetString()!;
        Assert.Matches(new Regex("^[A-Za-z0-9_-]{32,256}$"), secret);

        // The secret Telegram will send back is in the vault, under the reference the row keeps.
        var row = await Host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, created.Id(), default);
        var stored = await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row!.WebhookSecretRef!, default);
        Assert.Equal(secret, stored!["secret_token"]);
        var key = created.GetProperty("webhook_url").GetString()!.TrimEnd('/').Split('/')[^1];
        Assert.Equal(new WebhookRoute(tenant.TenantId, created.Id()),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(Spheres.Core.Providers.Telegram.TelegramModule.RouteKey(key), default));

        // Activating again sets a new secret and removes the old one from the vault.
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        var second = Telegram.CallsOf("setWebhook").Last(c => c.Token == token).Body.GetProperty("secret_token").GetString();
        Assert.NotEqual(secret, second);
        Assert.Null(await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row.WebhookSecretRef!, default));
    }

    [Fact]
    public async Task A_token_telegram_refuses_gives_a_clear_problem_and_status_error()
    {
        var tenant = await Host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        Telegram.RevokedTokens[token] = 0;
        var created = await Host.ConnectTelegramAsync(tenant, token);

        var problem = await (await Host.PostActionAsync(tenant, created.Id(), "activate")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.EndsWith("/provider-refused", problem.GetProperty("type").GetString());
        Assert.Contains("Unauthorized", problem.GetProperty("detail").GetString());
        var read = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{created.Id()}/");
        Assert.Equal("error", read.Status());
        Assert.Contains("Unauthorized", read.GetProperty("status_detail").GetString());
        Assert.DoesNotContain(Telegram.CallsOf("setWebhook"), c => c.Token == token);
    }

    [Fact]
    public async Task Telegram_not_answering_is_a_502_problem_and_status_error()
    {
        await using var offline = await TestHost.StartSharedAsync(); // its Telegram base URL is a closed port
        var tenant = await offline.RegisterAsync();
        var created = await offline.ConnectTelegramAsync(tenant);

        var problem = await (await offline.PostActionAsync(tenant, created.Id(), "activate")).ProblemAsync(HttpStatusCode.BadGateway);

        Assert.EndsWith("/provider-unreachable", problem.GetProperty("type").GetString());
        Assert.Equal("error", (await offline.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{created.Id()}/")).Status());
    }

    [Fact]
    public async Task Deactivating_and_deleting_telegram_remove_the_webhook()
    {
        var tenant = await Host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var created = await Host.ConnectTelegramAsync(tenant, token);
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();

        var inactive = await (await Host.PostActionAsync(tenant, created.Id(), "deactivate")).JsonAsync();
        Assert.Equal("inactive", inactive.Status());
        Assert.Single(Telegram.CallsOf("deleteWebhook"), c => c.Token == token);

        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{created.Id()}/"))).StatusCode);
        Assert.Equal(2, Telegram.CallsOf("deleteWebhook").Count(c => c.Token == token));
        var key = created.GetProperty("webhook_url").GetString()!.TrimEnd('/').Split('/')[^1];
        Assert.Null(await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(Spheres.Core.Providers.Telegram.TelegramModule.RouteKey(key), default));
    }

    [Fact]
    public async Task Activation_without_the_required_credentials_is_400_naming_them()
    {
        var tenant = await Host.RegisterAsync();
        var created = await Host.CreateIntegrationAsync(tenant, "telegram");
        var problem = await (await Host.PostActionAsync(tenant, created.Id(), "activate")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("credentials.bot_token", out _));
        Assert.Equal("pending", (await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{created.Id()}/")).Status());
        Assert.Empty(Telegram.Calls); // nothing to check a token with: Telegram is not called
    }

    [Fact]
    public async Task Meta_channels_claim_their_account_id_and_two_tenants_cannot_share_one()
    {
        var accountId = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString();
        var providers = await FakeProviderAccounts.Shared;
        var first = await Host.RegisterAsync();
        var instagram = await Host.CreateIntegrationAsync(first, "instagram",
            new { instagram_account_id = accountId }, new { access_token = providers.TokenFor("instagram", accountId) });

        var active = await (await Host.PostActionAsync(first, instagram.Id(), "activate")).JsonAsync();
        Assert.Equal("active", active.Status());
        Assert.Equal(new WebhookRoute(first.TenantId, instagram.Id()),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("instagram", accountId), default));
        Assert.Empty(Telegram.Calls);

        // A second business whose token really reaches the same account (an agency's, say) still cannot take it over.
        var second = await Host.RegisterAsync();
        var copy = await Host.CreateIntegrationAsync(second, "instagram",
            new { instagram_account_id = accountId }, new { access_token = providers.TokenFor("instagram", accountId) });
        await (await Host.PostActionAsync(second, copy.Id(), "activate")).ProblemAsync(HttpStatusCode.Conflict);
        var refused = await Host.GetJsonAsync(second, $"{IntegrationsApi.Base}{copy.Id()}/");
        Assert.Equal("error", refused.Status());
        Assert.Contains("already connected", refused.GetProperty("status_detail").GetString());
        Assert.Equal(new WebhookRoute(first.TenantId, instagram.Id()),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("instagram", accountId), default));
    }

    [Fact]
    public async Task A_meta_channel_without_a_page_id_connects_the_page_its_token_belongs_to()
    {
        var pageId = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString();
        var tenant = await Host.RegisterAsync();
        var messenger = await Host.CreateIntegrationAsync(tenant, "facebook-messenger",
            credentials: new { page_access_token = (await FakeProviderAccounts.Shared).TokenFor("facebook-messenger", pageId) });

        var active = await (await Host.PostActionAsync(tenant, messenger.Id(), "activate")).JsonAsync();

        Assert.Equal("active", active.Status());
        Assert.Equal(pageId, active.GetProperty("settings").GetProperty("page_id").GetString());
        Assert.Equal(new WebhookRoute(tenant.TenantId, messenger.Id()),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("facebook-messenger", pageId), default));
    }

    [Fact]
    public async Task Changing_the_credentials_of_an_active_integration_asks_for_activation_again()
    {
        var tenant = await Host.RegisterAsync();
        var created = await Host.ConnectTelegramAsync(tenant);
        await (await Host.PostActionAsync(tenant, created.Id(), "activate")).JsonAsync();

        var put = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{created.Id()}/",
            new { credentials = new { bot_token = SecretSentinel.NewTelegramToken() } }))).JsonAsync();

        Assert.Equal("pending", put.Status());
        Assert.Contains("activate again", put.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task Integrations_outside_a_new_sphere_or_plan_stay_listed_but_cannot_be_activated()
    {
        var tenant = await Host.RegisterAsync(sphere: "beauty", plan: "starter");
        var booksy = await Host.CreateIntegrationAsync(tenant, "booksy", credentials: new { api_key = SecretSentinel.NewSecret("booksy") });
        var telegram = await Host.ConnectTelegramAsync(tenant);

        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", new { sphere_slug = "health" }))).JsonAsync();
        var list = await Host.GetJsonAsync(tenant, IntegrationsApi.Base);
        Assert.Equal(2, list.GetArrayLength()); // nothing deleted
        Assert.False(list.EnumerateArray().Single(i => i.Id() == booksy.Id()).GetProperty("is_available").GetBoolean());
        Assert.True(list.EnumerateArray().Single(i => i.Id() == telegram.Id()).GetProperty("is_available").GetBoolean());
        var refused = await (await Host.PostActionAsync(tenant, booksy.Id(), "activate")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/sphere-mismatch", refused.GetProperty("type").GetString());

        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", new { sphere_slug = "beauty" }))).JsonAsync();
        await Host.SetPlanAsync(tenant.TenantId, "free");
        var planRefused = await (await Host.PostActionAsync(tenant, booksy.Id(), "activate")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/plan-required", planRefused.GetProperty("type").GetString());

        await Host.SetPlanAsync(tenant.TenantId, "starter");
        Assert.Equal("active", (await (await Host.PostActionAsync(tenant, booksy.Id(), "activate")).JsonAsync()).Status());
    }
}
