using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.OAuth;

/// <summary>
/// After Meta's consent the owner picks a page, Instagram account or WhatsApp number: only one that Graph lists
/// for the owner's own login is ever routed, its own token replaces the login's, and our app is subscribed to it.
/// </summary>
public sealed class MetaAccountSelectionTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private static string NewId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();

    private static Task<FakeProviderAccounts> MetaAsync() => FakeProviderAccounts.Shared;

    /// <summary>A tenant with an integration of <paramref name="slug"/> holding what Meta's consent leaves: the owner's user token only.</summary>
    private async Task<(TenantSession Tenant, int Id)> ConsentedAsync(string slug, string userToken)
    {
        var tenant = await Host.RegisterAsync(plan: "starter");
        var id = (await Host.CreateIntegrationAsync(tenant, slug)).Id();
        var store = Host.Services.GetRequiredService<IntegrationStore>();
        var row = (await store.FindAsync(tenant.TenantId, id, default))!;
        var reference = await Host.Services.GetRequiredService<ICredentialVault>().StoreAsync(SecretNames.CredentialsOf(tenant.TenantId),
            new Dictionary<string, string> { [Spheres.Core.Providers.Meta.MetaModule.UserTokenCredential] = userToken }, default);
        Assert.NotNull(await store.TryReplaceAsync(row with { CredentialsRef = reference }, default));
        return (tenant, id);
    }

    private Task<HttpResponseMessage> SelectAsync(TenantSession tenant, int id, string accountId) =>
        Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/select/", new { account_id = accountId }));

    private Task<JsonElement> AccountsAsync(TenantSession tenant, int id, HttpStatusCode expected = HttpStatusCode.OK) =>
        Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/connect/accounts/", expected);

    private async Task<IReadOnlyDictionary<string, string>?> CredentialsAsync(TenantSession tenant, int id)
    {
        var row = await Host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, id, default);
        return await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(row!.CredentialsRef!, default);
    }

    private Task<WebhookRoute?> RouteAsync(string slug, string accountId) =>
        Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey(slug, accountId), default);

    [Fact]
    public async Task Messenger_lists_the_owners_pages_and_routes_the_chosen_one_with_its_own_token()
    {
        var meta = await MetaAsync();
        var (salon, spa) = (new FakePage(NewId(), "Salon Olena"), new FakePage(NewId(), "Spa Olena"));
        var userToken = meta.MetaUserToken([salon, spa]);
        var (tenant, id) = await ConsentedAsync("facebook-messenger", userToken);

        var accounts = await AccountsAsync(tenant, id);
        Assert.Equal([(salon.Id, "Salon Olena"), (spa.Id, "Spa Olena")],
            accounts.EnumerateArray().Select(a => (a.GetProperty("account_id").GetString(), a.GetProperty("name").GetString())).ToArray());
        Assert.DoesNotContain("token", accounts.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var active = await (await SelectAsync(tenant, id, spa.Id)).JsonAsync();
        Assert.Equal("active", active.Status());
        Assert.Equal(spa.Id, active.GetProperty("settings").GetProperty("page_id").GetString());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("facebook-messenger", spa.Id));
        Assert.Null(await RouteAsync("facebook-messenger", salon.Id));
        Assert.Contains("page:" + spa.Id, meta.Subscriptions);
        Assert.DoesNotContain("page:" + salon.Id, meta.Subscriptions);
        // Least privilege: the page's token replaces the owner's login, which could read every page.
        var stored = await CredentialsAsync(tenant, id);
        Assert.Equal(meta.PageToken(spa.Id), stored!["page_access_token"]);
        Assert.False(stored.ContainsKey(Spheres.Core.Providers.Meta.MetaModule.UserTokenCredential));
    }

    [Fact]
    public async Task An_account_the_login_does_not_list_is_refused_and_nothing_changes()
    {
        var meta = await MetaAsync();
        var othersPage = NewId(); // a public page id of another business
        var (tenant, id) = await ConsentedAsync("facebook-messenger", meta.MetaUserToken([new FakePage(NewId(), "Salon")]));

        var refused = await (await SelectAsync(tenant, id, othersPage)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("account_id", out _));
        var integration = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/");
        Assert.Equal("pending", integration.Status());
        Assert.False(integration.GetProperty("settings").TryGetProperty("page_id", out _));
        Assert.Null(await RouteAsync("facebook-messenger", othersPage));
        Assert.True((await CredentialsAsync(tenant, id))!.ContainsKey(Spheres.Core.Providers.Meta.MetaModule.UserTokenCredential));

        foreach (var malformed in new[] { "", "12ab", "../1", new string('1', 33) })
        {
            var problem = await (await SelectAsync(tenant, id, malformed)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("account_id", out _));
        }
    }

    [Fact]
    public async Task Instagram_lists_only_the_accounts_linked_to_the_pages_and_subscribes_the_page()
    {
        var meta = await MetaAsync();
        var (plain, linked) = (new FakePage(NewId(), "Salon"), new FakePage(NewId(), "Studio", InstagramId: NewId(), InstagramUsername: "studio.nails"));
        var (tenant, id) = await ConsentedAsync("instagram", meta.MetaUserToken([plain, linked]));

        var accounts = await AccountsAsync(tenant, id);
        var only = Assert.Single(accounts.EnumerateArray());
        Assert.Equal((linked.InstagramId, "studio.nails"), (only.GetProperty("account_id").GetString(), only.GetProperty("name").GetString()));

        var active = await (await SelectAsync(tenant, id, linked.InstagramId!)).JsonAsync();
        Assert.Equal(linked.InstagramId, active.GetProperty("settings").GetProperty("instagram_account_id").GetString());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("instagram", linked.InstagramId!));
        Assert.Contains("page:" + linked.Id, meta.Subscriptions);
        Assert.Equal(meta.PageToken(linked.Id), (await CredentialsAsync(tenant, id))!["access_token"]);
    }

    [Fact]
    public async Task WhatsApp_lists_the_numbers_of_the_owned_business_accounts_and_subscribes_the_business_account()
    {
        var meta = await MetaAsync();
        var waba = new FakeWhatsAppAccount(NewId(), NewId(), NewId());
        var (tenant, id) = await ConsentedAsync("whatsapp", meta.MetaUserToken([], waba));

        var accounts = await AccountsAsync(tenant, id);
        Assert.Equal(waba.PhoneNumberIds, accounts.EnumerateArray().Select(a => a.GetProperty("account_id").GetString()!).ToArray());

        var active = await (await SelectAsync(tenant, id, waba.PhoneNumberIds[1])).JsonAsync();
        var settings = active.GetProperty("settings");
        Assert.Equal((waba.PhoneNumberIds[1], waba.Id),
            (settings.GetProperty("phone_number_id").GetString(), settings.GetProperty("waba_id").GetString()));
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("whatsapp", waba.PhoneNumberIds[1]));
        Assert.Null(await RouteAsync("whatsapp", waba.PhoneNumberIds[0]));
        Assert.Contains("waba:" + waba.Id, meta.Subscriptions);
    }

    [Fact]
    public async Task Without_consent_the_accounts_are_a_409_and_other_types_a_400()
    {
        var tenant = await Host.RegisterAsync(plan: "starter");
        var messenger = (await Host.CreateIntegrationAsync(tenant, "facebook-messenger")).Id();
        var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{IntegrationsApi.Base}{messenger}/connect/accounts/")))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.EndsWith(AccountSelection.NotConsentedType, problem.GetProperty("type").GetString());

        var telegram = (await Host.ConnectTelegramAsync(tenant)).Id();
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{IntegrationsApi.Base}{telegram}/connect/accounts/")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await SelectAsync(tenant, 999, NewId())).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_login_facebook_no_longer_accepts_turns_the_integration_to_relink_required()
    {
        var meta = await MetaAsync();
        var userToken = meta.MetaUserToken([new FakePage(NewId(), "Salon")]);
        var (tenant, id) = await ConsentedAsync("facebook-messenger", userToken);
        meta.Revoke(userToken);

        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{IntegrationsApi.Base}{id}/connect/accounts/")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var integration = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/");
        Assert.Equal("relink_required", integration.Status());
        Assert.Contains("connect again", integration.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task A_page_meta_will_not_subscribe_us_to_is_an_error_saying_so()
    {
        var meta = await MetaAsync();
        var page = new FakePage(NewId(), "Salon");
        var (tenant, id) = await ConsentedAsync("facebook-messenger", meta.MetaUserToken([page]));
        meta.RefuseSubscription(page.Id);

        await (await SelectAsync(tenant, id, page.Id)).ProblemAsync(HttpStatusCode.BadRequest);
        var integration = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/");
        Assert.Equal("error", integration.Status());
        Assert.Contains("did not subscribe", integration.GetProperty("status_detail").GetString());
        Assert.DoesNotContain("page:" + page.Id, meta.Subscriptions);
    }

    [Fact]
    public async Task Activating_a_pasted_page_token_subscribes_the_app_and_deleting_unsubscribes_it()
    {
        var meta = await MetaAsync();
        var pageId = NewId();
        var tenant = await Host.RegisterAsync(plan: "starter");
        var id = (await Host.CreateIntegrationAsync(tenant, "facebook-messenger", new { page_id = pageId },
            new { page_access_token = meta.TokenFor("facebook-messenger", pageId) })).Id();
        Assert.Equal("active", (await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync()).Status());
        Assert.Contains("page:" + pageId, meta.Subscriptions);

        // Deleting the integration takes the subscription back: Meta stops sending that page's messages.
        var deleted = await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Contains("removed:" + pageId, meta.Subscriptions);
    }

    [Fact]
    public async Task Deleting_unsubscribes_the_page_activation_routed_not_a_page_id_typed_since()
    {
        var meta = await MetaAsync();
        var (own, victim) = (NewId(), NewId());
        var tenant = await Host.RegisterAsync(plan: "starter");
        var id = (await Host.CreateIntegrationAsync(tenant, "facebook-messenger", new { page_id = own },
            new { page_access_token = meta.TokenFor("facebook-messenger", own) })).Id();
        await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync();
        var patched = await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{IntegrationsApi.Base}{id}/", new { settings = new { page_id = victim } }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"))).StatusCode);

        Assert.Contains("removed:" + own, meta.Subscriptions);
        Assert.DoesNotContain("removed:" + victim, meta.Subscriptions);
    }

    [Fact]
    public async Task Deleting_whatsapp_unsubscribes_the_business_account_its_number_was_listed_under_not_one_typed_since()
    {
        var meta = await MetaAsync();
        var (number, ownWaba, victimWaba) = (NewId(), NewId(), NewId());
        var tenant = await Host.RegisterAsync(plan: "starter");
        var id = (await Host.CreateIntegrationAsync(tenant, "whatsapp", new { waba_id = ownWaba, phone_number_id = number },
            new { access_token = meta.TokenFor("whatsapp", number) })).Id();
        await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync();
        Assert.Contains("waba:" + ownWaba, meta.Subscriptions);
        var patched = await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{IntegrationsApi.Base}{id}/", new { settings = new { waba_id = victimWaba } }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"))).StatusCode);

        Assert.Contains("removed:" + ownWaba, meta.Subscriptions);
        Assert.DoesNotContain("removed:" + victimWaba, meta.Subscriptions);
    }
}
