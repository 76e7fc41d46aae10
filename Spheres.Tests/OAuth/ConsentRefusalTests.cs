using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>What the callback refuses: replays, other providers' states, denied consent, failed exchanges and identities; and that it writes no integration.</summary>
public sealed class ConsentRefusalTests : WithFakeOAuth
{
    [Fact]
    public async Task A_state_is_used_once_a_replayed_callback_is_refused_and_the_code_exchanged_once()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "zoom", UniqueAccount("Z"));

        var before = await RowAsync(tenant, id);
        ConfirmCodeOf(await CallbackAsync(callback), id);
        Assert.Equal("?error=invalid_state", await CallbackAsync(callback));

        Assert.Single(OAuth.TokenRequests);
        Assert.Equal(before.ETag, (await RowAsync(tenant, id)).ETag); // neither the callback nor the replay wrote the integration
    }

    [Fact]
    public async Task Two_callbacks_racing_with_one_state_exchange_the_code_once()
    {
        var (tenant, id) = await CreateAsync("google-sheets");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "google-sheets", UniqueAccount("race") + "@example.com");

        // Both callbacks read the state row before either deletes it: only the ETag-checked delete decides.
        using var race = Host.StorageFaults.HoldUntilTogether(
            m => StorageFaults.IsTable(m, OAuthStateStore.Table) && m.Request.Method == RequestMethod.Get, count: 2);
        var outcomes = await Task.WhenAll(CallbackAsync(callback), CallbackAsync(callback));

        Assert.True(race.Happened, "the two callbacks did not read the state together");
        Assert.Single(outcomes, o => o == "?error=invalid_state");
        ConfirmCodeOf(Assert.Single(outcomes, o => o != "?error=invalid_state"), id);
        Assert.Single(OAuth.TokenRequests);
        Assert.Equal(1, await VaultSecretsOfAsync(tenant));
    }

    [Fact]
    public async Task A_new_connect_replaces_the_previous_state()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var first = await AuthorizationUrlAsync(tenant, id);

        for (var i = 0; i < 3; i++) await AuthorizationUrlAsync(tenant, id);
        var second = await AuthorizationUrlAsync(tenant, id);

        // One live state per integration: its slot row and the newest state, whatever the number of connects.
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.OAuthStates, default);
        Assert.Equal(2, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TenantId eq {tenant.TenantId}")).CountAsync());
        Assert.Equal("?error=invalid_state", await CallbackAsync(OAuth.Consent(first, "zoom", UniqueAccount("Z"))));
        ConfirmCodeOf(await CallbackAsync(OAuth.Consent(second, "zoom", UniqueAccount("Z"))), id);
        Assert.Single(OAuth.TokenRequests);
    }

    [Fact]
    public async Task A_state_issued_for_one_provider_is_refused_at_another_and_burnt()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "google-calendar", UniqueAccount("g") + "@example.com");

        Assert.Equal("?error=invalid_state", await CallbackAsync(callback.Replace("/oauth/google/", "/oauth/zoom/", StringComparison.Ordinal)));
        Assert.Equal("?error=invalid_state", await CallbackAsync(callback));
        Assert.Empty(OAuth.TokenRequests);
        Assert.Null((await RowAsync(tenant, id)).CredentialsRef);
    }

    [Fact]
    public async Task A_callback_writes_only_the_integration_its_state_was_issued_for_whoever_sends_it()
    {
        // Both tenants' first integration has id 1 in their own partition: only the state says which one is meant.
        var (alice, aliceId) = await CreateAsync("google-sheets");
        var (bob, bobId) = await CreateAsync("google-sheets");
        Assert.Equal(aliceId, bobId);
        var bobUrl = await AuthorizationUrlAsync(bob, bobId);
        var aliceCallback = OAuth.Consent(await AuthorizationUrlAsync(alice, aliceId), "google-sheets", UniqueAccount("alice") + "@example.com");
        var bobBefore = await RowAsync(bob, bobId);

        // Sent with Bob's session: the callback reads no session, only the state (Alice's).
        var request = bob.Request(HttpMethod.Get, aliceCallback);
        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var aliceCode = ConfirmCodeOf(response.Headers.Location!.ToString()[(FakeOAuthServer.FrontendBaseUrl + "/integrations").Length..], aliceId);
        Assert.Equal(bobBefore.ETag, (await RowAsync(bob, bobId)).ETag);
        Assert.Equal(0, await VaultSecretsOfAsync(bob));
        Assert.Equal("active", (await (await PostConfirmAsync(alice, aliceId, aliceCode)).JsonAsync()).Status());
        Assert.NotNull((await RowAsync(alice, aliceId)).CredentialsRef);
        Assert.Equal(bobBefore.ETag, (await RowAsync(bob, bobId)).ETag);
        ConfirmCodeOf(await CallbackAsync(OAuth.Consent(bobUrl, "google-sheets", UniqueAccount("bob") + "@example.com")), bobId);
        // And nobody starts a consent for an integration of another tenant.
        await (await PostConnectAsync(bob, aliceId + 1)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_callback_for_an_integration_deleted_meanwhile_stores_nothing()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "zoom", UniqueAccount("Z"));
        await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));

        Assert.Equal($"?error=integration_gone&integration={id}", await CallbackAsync(callback));
        Assert.Empty(OAuth.TokenRequests);
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
    }

    [Fact]
    public async Task Denied_consent_redirects_with_access_denied_and_stores_nothing()
    {
        var (tenant, id) = await CreateAsync("calendly");

        Assert.Equal($"?error=access_denied&integration={id}", await CallbackAsync(OAuth.Deny(await AuthorizationUrlAsync(tenant, id), "calendly")));

        Assert.Empty(OAuth.TokenRequests);
        var row = await RowAsync(tenant, id);
        Assert.Null(row.CredentialsRef);
        Assert.Equal(IntegrationStatus.Pending, row.Status);
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
    }

    [Fact]
    public async Task A_refused_exchange_redirects_with_exchange_failed_and_leaves_nothing_in_the_vault()
    {
        var (tenant, id) = await CreateAsync("square-appointments");
        OAuth.RefuseCodes = true;

        Assert.Equal($"?error=exchange_failed&integration={id}", await ConsentAsync(tenant, id, "square-appointments", UniqueAccount("SQ")));

        Assert.Single(OAuth.TokenRequests);
        Assert.Null((await RowAsync(tenant, id)).CredentialsRef);
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
    }

    [Fact]
    public async Task An_identity_the_provider_will_not_tell_leaves_nothing_stored()
    {
        var (tenant, id) = await CreateAsync("google-calendar");
        OAuth.IssueUnknownTokens = true;

        var problem = await (await ConnectAsync(tenant, id, "google-calendar", UniqueAccount("g") + "@example.com")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.EndsWith("/provider-refused", problem.GetProperty("type").GetString());

        var row = await RowAsync(tenant, id);
        Assert.Null(row.CredentialsRef);
        Assert.Null(row.RouteKey);
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
        // Nothing holds the grant: it is revoked at Google, not left to live out its refresh token.
        Assert.Single(OAuth.TokenRequests);
        Assert.Contains(OAuth.Revocations, r => r.Provider == "google");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?code=abc")]
    [InlineData("?code=abc&state=not-a-state")]
    [InlineData("?code=abc&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("?error=access_denied")]
    [InlineData("?code=abc&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&state=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")]
    public async Task A_callback_without_a_valid_state_is_sent_back_with_invalid_state_only(string query)
    {
        Assert.Equal("?error=invalid_state", await CallbackAsync("/api/oauth/google/callback/" + query));
    }

    [Fact]
    public async Task The_provider_error_is_never_echoed_and_redirects_go_only_to_the_frontend()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var url = await AuthorizationUrlAsync(tenant, id);
        var state = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["state"]!;

        var location = await CallbackAsync($"/api/oauth/zoom/callback/?error=%3Cscript%3E&state={state}&redirect_uri=https://evil.example/&next=//evil.example");

        Assert.Equal($"?error=provider_error&integration={id}", location);
    }

    [Fact]
    public async Task Unknown_providers_and_types_without_consent_are_problems()
    {
        await (await Host.Client.GetAsync("/api/oauth/telegram/callback/?code=a&state=b")).ProblemAsync(HttpStatusCode.NotFound);
        var tenant = await Host.RegisterAsync();
        var telegram = await Host.ConnectTelegramAsync(tenant);
        var problem = await (await PostConnectAsync(tenant, telegram.Id())).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.EndsWith("/" + OAuthConnect.NotOAuthType, problem.GetProperty("type").GetString());
        await (await PostConnectAsync(tenant, 999)).ProblemAsync(HttpStatusCode.NotFound);
        await (await Host.Client.PostAsync($"{IntegrationsApi.Base}{telegram.Id()}/connect/", null)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_type_the_plan_no_longer_allows_cannot_start_a_consent()
    {
        var (tenant, id) = await CreateAsync("square-appointments");
        await Host.SetPlanAsync(tenant.TenantId, "free");

        var problem = await (await PostConnectAsync(tenant, id)).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.OAuthStates, default);
        Assert.Equal(0, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TenantId eq {tenant.TenantId}")).CountAsync());
    }

    [Fact]
    public async Task Without_the_code_verifier_nobody_else_could_redeem_the_code_and_none_of_it_is_shown()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var url = await AuthorizationUrlAsync(tenant, id);
        var callback = OAuth.Consent(url, "zoom", UniqueAccount("Z"));
        var location = await CallbackAsync(callback);

        var verifier = Assert.Single(OAuth.TokenRequests).Form["code_verifier"];
        Assert.Matches("^[A-Za-z0-9_-]{43}$", verifier);
        Assert.DoesNotContain(verifier, url, StringComparison.Ordinal);
        Assert.DoesNotContain(verifier, location, StringComparison.Ordinal);
        var code = System.Web.HttpUtility.ParseQueryString(callback[callback.IndexOf('?', StringComparison.Ordinal)..])["code"]!;
        Assert.DoesNotContain(code, location, StringComparison.Ordinal);
        Assert.True(SecretSentinel.LogLinesScanned > 0);
    }
}
