using System.Text;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>The refresh timer: new tokens saved atomically, one exchange per integration however many refreshers race, relink on invalid_grant.</summary>
[Collection(OAuthMaintenanceCollection.Name)]
public sealed class TokenRefreshTests(OAuthMaintenanceFixture fx)
{
    private FakeTokenEndpoint Provider => fx.Provider;

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_with_the_rotated_refresh_token_saved_and_the_old_secret_deleted()
    {
        Provider.Rotate = true;
        var (tenant, before, _, refreshToken) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromMinutes(5));
        Assert.Equal(fx.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds(), before.TokenExpiresAt!.Value.ToUnixTimeSeconds()); // PUT's expires_at schedules it
        var (_, later, _, _) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromHours(2));

        await fx.Get<TokenRefresher>().RefreshDueAsync(default);

        var call = Assert.Single(Provider.TokenCalls("google"), c => FakeTokenEndpoint.Fields(c.Body)["refresh_token"] == refreshToken);
        var sent = FakeTokenEndpoint.Fields(call.Body);
        Assert.Equal(("refresh_token", FakeTokenEndpoint.ClientId, FakeTokenEndpoint.ClientSecret),
            (sent["grant_type"], sent["client_id"], sent["client_secret"]));
        var after = (await fx.RowAsync(tenant, before.Id))!;
        var vault = (await fx.VaultAsync(after.CredentialsRef))!;
        Assert.NotEqual(before.CredentialsRef, after.CredentialsRef);
        Assert.True(Provider.StillValid(vault["refresh_token"])); // the rotated one, which the provider now expects
        Assert.False(Provider.StillValid(refreshToken));
        Assert.StartsWith("google-access-SECRET-", vault["access_token"]);
        Assert.Equal(fx.Clock.GetUtcNow().AddSeconds(3599).ToUnixTimeSeconds(), after.TokenExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(after.TokenExpiresAt.Value.ToUnixTimeSeconds(), DateTimeOffset.Parse(vault["expires_at"]).ToUnixTimeSeconds());
        Assert.Null(await fx.VaultAsync(before.CredentialsRef)); // the old secret is gone
        // Not due (2 hours left): untouched.
        Assert.Equal(later.CredentialsRef, (await fx.Get<IntegrationStore>().FindAsync(later.TenantId, later.Id, default))!.CredentialsRef);
        Assert.Empty(SecretSentinel.LeaksFound); // no token, old or new, in any log line of the run
    }

    [Fact]
    public async Task Basic_client_authentication_is_used_for_zoom_and_an_unrotated_refresh_token_is_kept()
    {
        Provider.Rotate = false;
        try
        {
            var (tenant, before, oldAccess, refreshToken) = await fx.ConnectedAsync("zoom", TimeSpan.FromMinutes(1), new { account_id = "ZoomAcct1" });

            Assert.Equal(RefreshOutcome.Refreshed, await fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, before.Id, default));

            var call = Provider.TokenCalls("zoom").Last();
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTokenEndpoint.ClientId}:{FakeTokenEndpoint.ClientSecret}")), call.Authorization);
            Assert.DoesNotContain("client_secret", call.Body);
            var vault = (await fx.VaultAsync((await fx.RowAsync(tenant, before.Id))!.CredentialsRef))!;
            Assert.Equal(refreshToken, vault["refresh_token"]);
            Assert.NotEqual(oldAccess, vault["access_token"]);
        }
        finally
        {
            Provider.Rotate = true;
        }
    }

    [Fact]
    public async Task Two_refreshers_racing_on_one_integration_exchange_the_refresh_token_once()
    {
        var (tenant, before, _, refreshToken) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromMinutes(3));
        var refresher = fx.Get<TokenRefresher>();
        // Both refreshers hold at their lease insert until both are there: each has read nothing the other wrote.
        using var race = fx.Host.StorageFaults.HoldUntilTogether(IsLeaseInsert, 2);

        var outcomes = await Task.WhenAll(refresher.RefreshAsync(tenant.TenantId, before.Id, default), refresher.RefreshAsync(tenant.TenantId, before.Id, default));

        Assert.True(race.Happened, "the two refreshers did not race");
        Assert.Single(Provider.TokenCalls("google"), c => FakeTokenEndpoint.Fields(c.Body)["refresh_token"] == refreshToken);
        Assert.Equal([RefreshOutcome.Refreshed, RefreshOutcome.Busy], outcomes.Order());
        // And the one that lost, trying again once the winner is done, finds nothing due: still one exchange.
        Assert.Equal(RefreshOutcome.NotDue, await refresher.RefreshAsync(tenant.TenantId, before.Id, default));
        Assert.True(Provider.StillValid((await fx.VaultAsync((await fx.RowAsync(tenant, before.Id))!.CredentialsRef))!["refresh_token"]));
    }

    [Fact]
    public async Task The_timer_on_one_instance_and_an_outbound_call_on_another_exchange_once_and_both_get_the_new_token()
    {
        var (tenant, before, oldAccess, refreshToken) = await fx.ConnectedAsync("zoom", TimeSpan.FromSeconds(30), new { account_id = "Z" + Guid.NewGuid().ToString("N") });
        await using var second = await fx.SecondInstanceAsync();
        using var race = fx.Host.StorageFaults.HoldUntilTogether(IsLeaseInsert, 2).AlsoOn(second.StorageFaults);

        var timer = fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, before.Id, default);
        var call = second.Services.GetRequiredService<FreshAccessTokens>().GetFreshAccessTokenAsync(before, default);
        await Task.WhenAll(timer, call);

        Assert.True(race.Happened, "the two instances did not race");
        Assert.Single(Provider.TokenCalls("zoom"), c => FakeTokenEndpoint.Fields(c.Body).GetValueOrDefault("refresh_token") == refreshToken);
        var stored = (await fx.VaultAsync((await fx.RowAsync(tenant, before.Id))!.CredentialsRef))!["access_token"];
        Assert.NotEqual(oldAccess, stored);
        Assert.Equal(stored, await call); // the call waited for the winner and used its token
    }

    private static bool IsLeaseInsert(HttpMessage m) => m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith("/Integrations", StringComparison.Ordinal);

    [Fact]
    public async Task Invalid_grant_turns_the_integration_to_relink_required_and_the_owner_sees_why()
    {
        var revoked = SecretSentinel.NewSecret("revoked-refresh");
        var (tenant, before, _, _) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromMinutes(2), refreshToken: revoked);

        Assert.Equal(RefreshOutcome.RelinkRequired, await fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, before.Id, default));

        var view = await fx.ViewAsync(tenant, before.Id);
        Assert.Equal("relink_required", view.Status());
        Assert.Contains("Google no longer accepts our access", view.GetProperty("status_detail").GetString());
        Assert.Contains("connect again", view.GetProperty("status_detail").GetString());
        Assert.Empty(SecretSentinel.LeaksFound);
        var listed = await fx.Host.GetJsonAsync(tenant, IntegrationsApi.Base + "?status=relink_required");
        Assert.Equal(before.Id, Assert.Single(listed.EnumerateArray()).Id());
        var after = (await fx.RowAsync(tenant, before.Id))!;
        Assert.Equal(before.CredentialsRef, after.CredentialsRef); // nothing else changed
        // The timer does not ask again: the query skips it.
        int Sent() => Provider.TokenCalls("google").Count(c => FakeTokenEndpoint.Fields(c.Body)["refresh_token"] == revoked);
        Assert.Equal(1, Sent());
        await fx.Get<TokenRefresher>().RefreshDueAsync(default);
        Assert.Equal(1, Sent());
    }

    [Fact]
    public async Task A_provider_outage_leaves_everything_as_it_was_and_the_next_run_refreshes()
    {
        var (tenant, before, accessToken, refreshToken) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromMinutes(4));
        Provider.Failure = (503, new { error = "backend_error" });
        try
        {
            Assert.Equal(RefreshOutcome.RetryLater, await fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, before.Id, default));
        }
        finally
        {
            Provider.Failure = null;
        }
        var unchanged = (await fx.RowAsync(tenant, before.Id))!;
        Assert.Equal((before.CredentialsRef, before.TokenExpiresAt, IntegrationStatus.Pending), (unchanged.CredentialsRef, unchanged.TokenExpiresAt, unchanged.Status));
        var vault = (await fx.VaultAsync(unchanged.CredentialsRef))!;
        Assert.Equal((accessToken, refreshToken), (vault["access_token"], vault["refresh_token"]));

        Assert.Equal(RefreshOutcome.Refreshed, await fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, before.Id, default));
    }

    [Fact]
    public async Task A_fresh_access_token_is_refreshed_first_when_expired_and_served_from_the_vault_while_valid()
    {
        var (tenant, before, accessToken, _) = await fx.ConnectedAsync("google-sheets", TimeSpan.FromMinutes(30));
        var tokens = fx.Get<FreshAccessTokens>();
        Assert.Equal(accessToken, await tokens.GetFreshAccessTokenAsync(before, default));

        fx.Clock.Advance(TimeSpan.FromMinutes(31)); // forward only: the other tests' times are relative to the clock
        var fresh = await tokens.GetFreshAccessTokenAsync(before, default);
        Assert.NotEqual(accessToken, fresh);
        Assert.Equal(fresh, (await fx.VaultAsync((await fx.RowAsync(tenant, before.Id))!.CredentialsRef))!["access_token"]);
    }

    [Fact]
    public async Task Tokens_about_to_lapse_come_before_ones_that_lapsed_long_ago_and_one_without_refresh_token_leaves_the_schedule()
    {
        var (_, longLapsed, _, _) = await fx.ConnectedAsync("google-sheets", TimeSpan.FromHours(-3));
        var (_, aboutToLapse, _, _) = await fx.ConnectedAsync("google-sheets", TimeSpan.FromMinutes(5));
        var tenant = await fx.Host.RegisterAsync(plan: "professional");
        var noRefresh = await fx.Host.CreateIntegrationAsync(tenant, "google-sheets", null, new
        {
            access_token = SecretSentinel.NewSecret("google-access"), expires_at = fx.Clock.GetUtcNow().AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        });

        var due = await fx.Get<OAuthSchedule>().TokensDueAsync(fx.Clock.GetUtcNow() + TokenRefresher.Margin, int.MaxValue, default);
        var order = due.Select(d => (d.TenantId, d.IntegrationId)).ToList();
        Assert.True(order.IndexOf((aboutToLapse.TenantId, aboutToLapse.Id)) < order.IndexOf((longLapsed.TenantId, longLapsed.Id)));
        Assert.Contains((tenant.TenantId, noRefresh.Id()), order);

        Assert.Equal(RefreshOutcome.NotRefreshable, await fx.Get<TokenRefresher>().RefreshAsync(tenant.TenantId, noRefresh.Id(), default));
        Assert.Null((await fx.RowAsync(tenant, noRefresh.Id()))!.TokenExpiresAt);
        Assert.DoesNotContain((await fx.Get<OAuthSchedule>().TokensDueAsync(fx.Clock.GetUtcNow() + TokenRefresher.Margin, int.MaxValue, default)),
            d => d.TenantId == tenant.TenantId);
    }

    [Fact]
    public void Meta_tokens_are_never_sent_to_a_token_endpoint()
    {
        var refresher = fx.Get<TokenRefresher>();
        Assert.Null(refresher.Refreshable("facebook-messenger"));
        Assert.Null(refresher.Refreshable("whatsapp"));
        Assert.Null(refresher.Refreshable("telegram"));
        Assert.Equal(Spheres.Core.Providers.Square.SquareModule.OAuth, refresher.Refreshable("square-appointments"));
    }
}
