using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>Google consent end to end: PKCE, offline access, userinfo's email, Calendar's push channel, Gmail's watch.</summary>
public sealed class GoogleConsentTests : WithFakeOAuth
{
    [Fact]
    public async Task Calendar_consent_stores_tokens_in_the_vault_and_watches_the_calendar_with_our_channel()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        var email = UniqueAccount("owner") + "@example.com";

        await ConnectedAsync(tenant, id, "google-calendar", email);

        var exchange = Assert.Single(OAuth.TokenRequests, r => r.Provider == "google");
        Assert.Equal("authorization_code", exchange.GrantType);
        Assert.False(exchange.BasicAuth); // Google: client_secret_post
        Assert.Empty(OAuth.Refusals);
        var row = await RowAsync(tenant, id);
        var credentials = await SecretAsync(row.CredentialsRef);
        var accessToken = OAuth.IssuedAccessTokens[email];
        Assert.Equal(accessToken, credentials!["access_token"]);
        Assert.StartsWith("refresh-google-SECRET-", credentials["refresh_token"]);
        Assert.InRange(row.TokenExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal(row.TokenExpiresAt.Value, DateTimeOffset.Parse(credentials["expires_at"], System.Globalization.CultureInfo.InvariantCulture));

        // Google was asked to push to our channel: id = the webhook key, token = the channel token in the vault.
        var watch = Assert.Single(Accounts.PushCalls(accessToken));
        Assert.Equal("/google/calendar/v3/calendars/primary/events/watch", watch.Path);
        Assert.Equal(row.WebhookKey, watch.Body.GetProperty("id").GetString());
        Assert.Equal("web_hook", watch.Body.GetProperty("type").GetString());
        Assert.Equal("https://spheres.test/api/webhooks/google-calendar/", watch.Body.GetProperty("address").GetString());
        Assert.Equal((await SecretAsync(row.WebhookSecretRef))!["channel_token"], watch.Body.GetProperty("token").GetString());
        Assert.Equal(new WebhookRoute(tenant.TenantId, id),
            await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(Spheres.Core.Providers.Google.GoogleModule.ChannelRouteKey(row.WebhookKey), default));
        Assert.StartsWith("resource-", row.Setting("channel_resource_id"));
        Assert.InRange(row.PushExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        var view = await ReadAsync(tenant, id);
        Assert.Equal("active", view.Status());
        Assert.Equal(email, view.GetProperty("settings").GetProperty("email").GetString());
        Assert.True(view.GetProperty("has_credentials").GetBoolean());
    }

    [Fact]
    public async Task Gmail_consent_routes_the_mailbox_google_named_and_watches_the_inbox_on_the_configured_topic()
    {
        var (tenant, id) = await CreateAsync("gmail");
        var email = UniqueAccount("Mail") + "@Example.com";

        await ConnectedAsync(tenant, id, "gmail", email);

        var row = await RowAsync(tenant, id);
        var watch = Assert.Single(Accounts.PushCalls(OAuth.IssuedAccessTokens[email]));
        Assert.Equal("/google/gmail/v1/users/me/watch", watch.Path);
        Assert.Equal(FakeOAuthServer.PubSubTopic, watch.Body.GetProperty("topicName").GetString());
        Assert.Equal(["INBOX"], watch.Body.GetProperty("labelIds").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("9876543", row.Setting("history_id"));
        Assert.NotNull(row.PushExpiresAt);
        Assert.Equal(email.ToLowerInvariant(), row.Setting("email"));
        var key = WebhookRoutes.AccountKey("gmail", email.ToLowerInvariant());
        Assert.Equal(key, row.RouteKey);
        Assert.Equal(new WebhookRoute(tenant.TenantId, id), await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(key, default));
        Assert.Equal("active", row.Status.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task Sheets_consent_asks_only_the_spreadsheets_scope_and_stores_the_email()
    {
        var (tenant, id) = await CreateAsync("google-sheets");
        var email = UniqueAccount("sheets") + "@example.com";

        await ConnectedAsync(tenant, id, "google-sheets", email); // the fake checks the scopes

        var row = await RowAsync(tenant, id);
        Assert.Equal(email, row.Setting("email"));
        Assert.Empty(Accounts.PushCalls(OAuth.IssuedAccessTokens[email]));
        Assert.Equal("active", (await ReadAsync(tenant, id)).Status());
    }

    [Fact]
    public async Task A_gmail_address_google_has_not_verified_routes_nothing_and_stores_nothing()
    {
        var (tenant, id) = await CreateAsync("gmail");
        var email = UniqueAccount("unverified") + "@example.com";
        Accounts.MarkEmailUnverified(email);

        var problem = await (await ConnectAsync(tenant, id, "gmail", email)).ProblemAsync(System.Net.HttpStatusCode.BadRequest);

        Assert.Contains("verified", problem.GetProperty("detail").GetString());
        var row = await RowAsync(tenant, id);
        Assert.Null(row.CredentialsRef);
        Assert.Null(row.RouteKey);
        Assert.Null(await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("gmail", email.ToLowerInvariant()), default));
        Assert.Empty(Accounts.PushCalls(OAuth.IssuedAccessTokens[email]));
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
    }
}
