using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>Consent with Zoom, Calendly, Square, Zocdoc and Meta: what each token endpoint must receive, and what ends up stored and routed.</summary>
public sealed class ProviderConsentTests : WithFakeOAuth
{
    [Theory]
    [InlineData("zoom", "beauty", "account_id")]
    [InlineData("square-appointments", "beauty", "merchant_id")]
    public async Task Consent_routes_the_account_the_provider_names_for_the_new_token(string slug, string sphere, string routingSetting)
    {
        // A value typed earlier never decides: the provider's answer for the new token does.
        var (tenant, id) = await CreateAsync(slug, sphere, new Dictionary<string, string> { [routingSetting] = "typed-by-the-tenant" });
        var account = UniqueAccount("ACC");

        await ConnectedAsync(tenant, id, slug, account);

        var provider = OAuthProviders.ForType(slug)!.Value.Provider;
        var exchange = Assert.Single(OAuth.TokenRequests);
        Assert.Equal(provider.ClientAuthentication == ClientAuthentication.Basic, exchange.BasicAuth);
        Assert.Equal(provider.SupportsPkce, exchange.Form.ContainsKey("code_verifier"));
        Assert.Empty(OAuth.Refusals);
        var row = await RowAsync(tenant, id);
        Assert.Equal(account, row.Setting(routingSetting));
        Assert.Equal(WebhookRoutes.AccountKey(slug, account), row.RouteKey);
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(row.RouteKey!, default));
        Assert.Equal(OAuth.IssuedAccessTokens[account], (await SecretAsync(row.CredentialsRef))!["access_token"]);
        Assert.Equal(IntegrationStatus.Active, row.Status);
        // Zoom says expires_in (an hour); Square an absolute expires_at (30 days).
        Assert.InRange(row.TokenExpiresAt!.Value - DateTimeOffset.UtcNow,
            slug == "zoom" ? TimeSpan.FromMinutes(55) : TimeSpan.FromDays(29.9), slug == "zoom" ? TimeSpan.FromMinutes(61) : TimeSpan.FromDays(30.1));
    }

    [Fact]
    public async Task Calendly_consent_routes_the_user_and_subscribes_to_invitee_events_signed_with_our_key()
    {
        var (tenant, id) = await CreateAsync("calendly");
        var userUri = "https://api.calendly.com/users/" + UniqueAccount("U");

        await ConnectedAsync(tenant, id, "calendly", userUri);

        var exchange = Assert.Single(OAuth.TokenRequests);
        Assert.True(exchange.BasicAuth);
        Assert.True(exchange.Form.ContainsKey("code_verifier"));
        var row = await RowAsync(tenant, id);
        Assert.Equal(userUri, row.Setting("user_uri"));
        Assert.Equal("https://api.calendly.com/organizations/O1", row.Setting("organization_uri"));
        var subscription = Assert.Single(Accounts.PushCalls(OAuth.IssuedAccessTokens[userUri]));
        Assert.Equal("/calendly/webhook_subscriptions", subscription.Path);
        Assert.Equal("https://spheres.test/api/webhooks/calendly/", subscription.Body.GetProperty("url").GetString());
        Assert.Equal(["invitee.created", "invitee.canceled"], subscription.Body.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(userUri, subscription.Body.GetProperty("user").GetString());
        Assert.Equal("https://api.calendly.com/organizations/O1", subscription.Body.GetProperty("organization").GetString());
        Assert.Equal("user", subscription.Body.GetProperty("scope").GetString());
        Assert.Equal(TestHost.CalendlySigningKey, subscription.Body.GetProperty("signing_key").GetString());
        Assert.StartsWith(Accounts.BaseUrl + "/calendly/webhook_subscriptions/", row.Setting("webhook_subscription_uri"));
        Assert.Equal(new WebhookRoute(tenant.TenantId, id),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("calendly", userUri), default));
        Assert.Equal("active", (await ReadAsync(tenant, id)).Status());
    }

    [Fact]
    public async Task Zocdoc_consent_stores_the_tokens_with_basic_client_authentication_and_pkce()
    {
        var (tenant, id) = await CreateAsync("zocdoc", sphere: "health");
        var account = UniqueAccount("zd");

        await ConnectedAsync(tenant, id, "zocdoc", account);

        var exchange = Assert.Single(OAuth.TokenRequests);
        Assert.True(exchange.BasicAuth);
        Assert.False(exchange.Form.ContainsKey("client_secret"));
        Assert.True(exchange.Form.ContainsKey("code_verifier"));
        var row = await RowAsync(tenant, id);
        var credentials = (await SecretAsync(row.CredentialsRef))!;
        Assert.Equal(OAuth.IssuedAccessTokens[account], credentials["access_token"]);
        Assert.True(credentials.ContainsKey("refresh_token"));
        Assert.Null(row.RouteKey); // Zocdoc documents no identity endpoint: nothing is routed by an account id
        Assert.Equal("active", (await ReadAsync(tenant, id)).Status());
    }

    [Fact]
    public async Task Meta_consent_keeps_a_long_lived_user_token_and_waits_for_the_owner_to_choose_an_account()
    {
        var (tenant, id) = await CreateAsync("facebook-messenger");
        var account = UniqueAccount("fb");

        await ConnectedAsync(tenant, id, "facebook-messenger", account); // comma-separated scopes, no PKCE

        Assert.Equal(["authorization_code", "fb_exchange_token"], OAuth.TokenRequests.Select(r => r.GrantType));
        var longLivedExchange = OAuth.TokenRequests[1];
        Assert.Equal(OAuth.IssuedAccessTokens[account], longLivedExchange.Form["fb_exchange_token"]);
        Assert.Empty(OAuth.Refusals);
        var row = await RowAsync(tenant, id);
        var credentials = (await SecretAsync(row.CredentialsRef))!;
        Assert.StartsWith("meta-long-lived-SECRET-", credentials["user_access_token"]);
        Assert.False(credentials.ContainsKey("access_token"));
        Assert.InRange(row.TokenExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(59), TimeSpan.FromDays(61));
        Assert.Null(row.RouteKey); // the account is chosen next, among those Meta lists
        var view = await ReadAsync(tenant, id);
        Assert.Equal("pending", view.Status());
        Assert.Equal(Spheres.Core.Providers.Meta.MetaConsent.ChooseAccountDetail, view.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task A_push_the_provider_refuses_leaves_the_tokens_and_status_error_saying_why()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        var email = UniqueAccount("nowatch") + "@example.com";
        Accounts.RefusePushFor(email);

        var connected = await ConnectedAsync(tenant, id, "google-calendar", email); // connected, without its push: the row says why
        Assert.Equal("error", connected.Status());

        var row = await RowAsync(tenant, id);
        Assert.NotNull(row.CredentialsRef); // consent was given: the tokens are kept, and the row says what is missing
        Assert.Null(row.Setting("channel_resource_id"));
        var view = await ReadAsync(tenant, id);
        Assert.Equal("error", view.Status());
        Assert.Contains("HTTP 403", view.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task Reconnecting_replaces_the_tokens_and_deletes_the_old_secret()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var account = UniqueAccount("ZA");
        await ConnectedAsync(tenant, id, "zoom", account);
        var first = await RowAsync(tenant, id);

        await ConnectedAsync(tenant, id, "zoom", account);

        var second = await RowAsync(tenant, id);
        Assert.NotEqual(first.CredentialsRef, second.CredentialsRef);
        Assert.Null(await SecretAsync(first.CredentialsRef));
        Assert.Equal(1, await VaultSecretsOfAsync(tenant));
        Assert.Equal(first.RouteKey, second.RouteKey);
    }

    [Fact]
    public async Task Reconnecting_calendly_deletes_the_previous_subscription_before_subscribing_again()
    {
        var (tenant, id) = await CreateAsync("calendly");
        var userUri = "https://api.calendly.com/users/" + UniqueAccount("U");
        await ConnectedAsync(tenant, id, "calendly", userUri);
        var first = (await RowAsync(tenant, id)).Setting("webhook_subscription_uri")!;

        await ConnectedAsync(tenant, id, "calendly", userUri);

        var calls = Accounts.PushCalls(OAuth.IssuedAccessTokens[userUri]); // the second consent's token
        Assert.Equal([new Uri(first).AbsolutePath, "/calendly/webhook_subscriptions"], calls.Select(c => c.Path));
        Assert.NotEqual(first, (await RowAsync(tenant, id)).Setting("webhook_subscription_uri"));
    }

    [Fact]
    public async Task Reconnecting_google_calendar_stops_the_previous_channel_before_watching_again()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        var email = UniqueAccount("again") + "@example.com";
        await ConnectedAsync(tenant, id, "google-calendar", email);
        var first = await RowAsync(tenant, id);

        await ConnectedAsync(tenant, id, "google-calendar", email);

        var calls = Accounts.PushCalls(OAuth.IssuedAccessTokens[email]);
        Assert.Equal(["/google/calendar/v3/channels/stop", "/google/calendar/v3/calendars/primary/events/watch"], calls.Select(c => c.Path));
        Assert.Equal(first.Setting("channel_resource_id"), calls[0].Body.GetProperty("resourceId").GetString());
        Assert.Equal(first.WebhookKey, calls[0].Body.GetProperty("id").GetString());
        Assert.NotEqual(first.Setting("channel_resource_id"), (await RowAsync(tenant, id)).Setting("channel_resource_id"));
    }

    [Fact]
    public async Task A_watch_whose_answer_cannot_be_saved_is_stopped_again()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        var email = UniqueAccount("lost") + "@example.com";
        // The third write of the row is the one after events.watch (tokens, channel, push): storage fails just then.
        var rowWrites = 0;
        Host.StorageFaults.FailWhen(m => StorageFaults.IsTable(m, Spheres.Core.Storage.TableNames.Integrations)
                                        && m.Request.Method == Azure.Core.RequestMethod.Put && Interlocked.Increment(ref rowWrites) == 3);

        await (await ConnectAsync(tenant, id, "google-calendar", email)).ProblemAsync(System.Net.HttpStatusCode.ServiceUnavailable);
        Host.StorageFaults.Heal();

        var calls = Accounts.PushCalls(OAuth.IssuedAccessTokens[email]);
        Assert.Equal(["/google/calendar/v3/calendars/primary/events/watch", "/google/calendar/v3/channels/stop"], calls.Select(c => c.Path));
        Assert.Equal(calls[0].Body.GetProperty("id").GetString(), calls[1].Body.GetProperty("id").GetString());
        Assert.Null((await RowAsync(tenant, id)).Setting("channel_resource_id"));
    }

    [Fact]
    public async Task After_meta_consent_the_owner_picks_a_page_the_long_lived_login_lists_and_it_is_routed()
    {
        var page = new FakePage(Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), "Salon page");
        OAuth.MetaLongLivedToken = () => Accounts.MetaUserToken([page]);
        var (tenant, id) = await CreateAsync("facebook-messenger");
        await ConnectedAsync(tenant, id, "facebook-messenger", UniqueAccount("fbuser"));

        var listed = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/connect/accounts/");
        Assert.Equal([page.Id], listed.EnumerateArray().Select(a => a.GetProperty("account_id").GetString()));
        var selected = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/select/",
            new { account_id = page.Id }))).JsonAsync();

        Assert.Equal("active", selected.Status());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("facebook-messenger", page.Id), default));
    }
}
