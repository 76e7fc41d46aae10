using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Hardening;

/// <summary>
/// An account id that routes customers to a tenant comes from the provider's answer for that tenant's
/// token; claims are kept with their rows, released with them, and taken over when left behind.
/// </summary>
public sealed class RouteOwnershipTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private static string NewAccountId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();

    private static async Task<string> TokenForAsync(string slug, string accountId) => (await FakeProviderAccounts.Shared).TokenFor(slug, accountId);

    private Task<WebhookRoute?> RouteAsync(string slug, string accountId) =>
        Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey(slug, accountId), default);

    private async Task<(TenantSession Tenant, int Id)> ConnectAsync(string slug, string routing, string? typedAccount, string credential, string token,
        object? extra = null)
    {
        var tenant = await Host.RegisterAsync(plan: "starter");
        var settings = new Dictionary<string, string>();
        if (typedAccount is not null) settings[routing] = typedAccount;
        if (slug == "whatsapp") settings["waba_id"] = "102290129340398";
        var created = await Host.CreateIntegrationAsync(tenant, slug, settings, new Dictionary<string, string> { [credential] = token });
        return (tenant, created.Id());
    }

    [Fact]
    public async Task Tenant_b_cannot_claim_tenant_as_page_with_a_valid_token_of_another_page_and_reads_none_of_its_customers()
    {
        var pageA = NewAccountId();
        var (a, aId) = await ConnectAsync("facebook-messenger", "page_id", pageA, "page_access_token", await TokenForAsync("facebook-messenger", pageA));
        await (await Host.PostActionAsync(a, aId, "activate")).JsonAsync();

        // B types A's public page id, with a real page token of B's own page.
        var (b, bId) = await ConnectAsync("facebook-messenger", "page_id", pageA, "page_access_token",
            await TokenForAsync("facebook-messenger", NewAccountId()));
        var refused = await (await Host.PostActionAsync(b, bId, "activate")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("settings.page_id", out _));
        Assert.Equal("error", (await Host.GetJsonAsync(b, $"{IntegrationsApi.Base}{bId}/")).Status());

        var delivery = JsonSerializer.Serialize(new { @object = "page", entry = new[] { new
        {
            id = pageA, time = 1,
            messaging = new[] { new { sender = new { id = "psid-7" }, recipient = new { id = pageA }, timestamp = fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                message = new { mid = "m_" + Guid.NewGuid().ToString("N"), text = "Чи є вільний час у п'ятницю?" } } },
        } } });
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(delivery)));

        Assert.Equal(new WebhookRoute(a.TenantId, aId), await RouteAsync("facebook-messenger", pageA));
        Assert.Single((await fixture.MessagesAsync(a)).GetProperty("results").EnumerateArray());
        Assert.Empty((await fixture.MessagesAsync(b)).GetProperty("results").EnumerateArray());
    }

    [Theory]
    [InlineData("facebook-messenger", "page_id", "page_access_token")]
    [InlineData("instagram", "instagram_account_id", "access_token")]
    [InlineData("whatsapp", "phone_number_id", "access_token")]
    [InlineData("zoom", "account_id", "access_token")]
    [InlineData("square-appointments", "merchant_id", "access_token")]
    [InlineData("calendly", "user_uri", "access_token")]
    public async Task A_typed_account_id_the_token_does_not_belong_to_is_refused_and_nothing_is_routed(string slug, string routing, string credential)
    {
        var victim = slug == "calendly" ? $"https://api.calendly.com/users/{Guid.NewGuid():N}" : NewAccountId();
        var own = slug == "calendly" ? $"https://api.calendly.com/users/{Guid.NewGuid():N}" : NewAccountId();
        var (tenant, id) = await ConnectAsync(slug, routing, victim, credential, await TokenForAsync(slug, own));

        var problem = await (await Host.PostActionAsync(tenant, id, "activate")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("settings." + routing, out _), problem.GetRawText());
        Assert.Null(await RouteAsync(slug, victim));
        Assert.Null(await RouteAsync(slug, own));
    }

    [Fact]
    public async Task An_instagram_login_token_connects_the_professional_account_graph_names_as_user_id()
    {
        var account = NewAccountId();
        var (tenant, id) = await ConnectAsync("instagram", "instagram_account_id", null, "access_token",
            (await FakeProviderAccounts.Shared).TokenFor(FakeProviderAccounts.InstagramLogin, account));

        var active = await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync();

        Assert.Equal(account, active.GetProperty("settings").GetProperty("instagram_account_id").GetString());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("instagram", account));
    }

    [Fact]
    public async Task A_token_the_provider_does_not_know_is_refused_and_routes_nothing()
    {
        var pageId = NewAccountId();
        var (tenant, id) = await ConnectAsync("facebook-messenger", "page_id", pageId, "page_access_token", SecretSentinel.NewSecret("EAAB"));
        var problem = await (await Host.PostActionAsync(tenant, id, "activate")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.EndsWith("/provider-refused", problem.GetProperty("type").GetString());
        Assert.Null(await RouteAsync("facebook-messenger", pageId));
    }

    [Fact]
    public async Task Deleting_an_integration_frees_its_account_for_another_tenant()
    {
        var pageId = NewAccountId();
        var (a, aId) = await ConnectAsync("facebook-messenger", "page_id", null, "page_access_token", await TokenForAsync("facebook-messenger", pageId));
        await (await Host.PostActionAsync(a, aId, "activate")).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(a.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{aId}/"))).StatusCode);
        Assert.Null(await RouteAsync("facebook-messenger", pageId));

        var (b, bId) = await ConnectAsync("facebook-messenger", "page_id", null, "page_access_token", await TokenForAsync("facebook-messenger", pageId));
        Assert.Equal("active", (await (await Host.PostActionAsync(b, bId, "activate")).JsonAsync()).Status());
        Assert.Equal(new WebhookRoute(b.TenantId, bId), await RouteAsync("facebook-messenger", pageId));
    }

    [Fact]
    public async Task Changing_the_routing_setting_releases_the_old_account()
    {
        var (first, second) = (NewAccountId(), NewAccountId());
        var providers = await FakeProviderAccounts.Shared;
        var (tenant, id) = await ConnectAsync("zoom", "account_id", null, "access_token", providers.TokenFor("zoom", first));
        await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync();

        var put = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/",
            new { settings = new { account_id = second }, credentials = new { access_token = providers.TokenFor("zoom", second) } }))).JsonAsync();

        Assert.Equal("pending", put.Status());
        Assert.Null(await RouteAsync("zoom", first));
        Assert.Equal("active", (await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync()).Status());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("zoom", second));
    }

    [Fact]
    public async Task A_claim_whose_integration_is_gone_is_taken_over()
    {
        var merchant = "ML" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var routes = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.WebhookRoutes, default);
        // Left behind by an integration deleted half-way: its tenant and integration no longer exist.
        await routes.AddEntityAsync(new TableEntity(WebhookRoutes.AccountKey("square-appointments", merchant), "")
        {
            ["TenantId"] = Guid.NewGuid().ToString("N"), ["IntegrationId"] = 4,
        });

        var (tenant, id) = await ConnectAsync("square-appointments", "merchant_id", null, "access_token",
            await TokenForAsync("square-appointments", merchant));
        Assert.Equal("active", (await (await Host.PostActionAsync(tenant, id, "activate")).JsonAsync()).Status());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await RouteAsync("square-appointments", merchant));
    }
}
