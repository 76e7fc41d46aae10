using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>
/// "Consent is bound to the owner who started it": a tenant that sends its own authorization link to someone else never gets
/// their grant. The callback keeps the grant aside; only the tenant the state was issued to attaches it, by confirming.
/// </summary>
public sealed class ConsentConfirmationTests : WithFakeOAuth
{
    [Fact]
    public async Task A_victim_consenting_on_another_tenants_link_gives_that_tenant_nothing_and_the_grant_is_revoked()
    {
        // The attacker starts a Gmail connect for its own integration and sends the link to the victim, who consents on Google's screen.
        var (attacker, attackerId) = await CreateAsync("gmail");
        var (victim, victimOwnId) = await CreateAsync("gmail");
        var victimMailbox = UniqueAccount("victim") + "@example.com";
        var location = await CallbackAsync(OAuth.Consent(await AuthorizationUrlAsync(attacker, attackerId), "gmail", victimMailbox));
        var code = ConfirmCodeOf(location, attackerId);
        var before = await RowAsync(attacker, attackerId);

        // The victim's browser lands on the frontend, signed in as the victim, which confirms: not the victim's consent to attach.
        await (await PostConfirmAsync(victim, attackerId, code)).ProblemAsync(HttpStatusCode.NotFound);
        await (await PostConfirmAsync(victim, victimOwnId, code)).ProblemAsync(HttpStatusCode.NotFound);
        // Spent and revoked: not even the tenant that started it can attach it now.
        await (await PostConfirmAsync(attacker, attackerId, code)).ProblemAsync(HttpStatusCode.NotFound);

        var after = await RowAsync(attacker, attackerId);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null(after.CredentialsRef);
        Assert.Null(after.Setting("email"));
        Assert.Equal(IntegrationStatus.Pending, after.Status);
        Assert.Null(await Host.Services.GetRequiredService<WebhookRoutes>().FindAsync(WebhookRoutes.AccountKey("gmail", victimMailbox), default));
        Assert.Empty(Accounts.PushCalls(OAuth.IssuedAccessTokens[victimMailbox])); // no watch on the victim's mailbox
        Assert.Single(OAuth.TokenRequests); // the one exchange
        Assert.Single(OAuth.Revocations, r => r.Provider == "google");
        Assert.Equal(0, await VaultSecretsOfAsync(attacker));
        Assert.Empty(await PendingRowsAsync(attacker));
    }

    [Fact]
    public async Task The_tenant_that_started_the_connect_confirms_once_and_only_for_its_integration()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var account = UniqueAccount("ZC");
        var code = ConfirmCodeOf(await ConsentAsync(tenant, id, "zoom", account), id);
        Assert.Null((await RowAsync(tenant, id)).CredentialsRef); // nothing attached before the confirmation

        var confirmed = await (await PostConfirmAsync(tenant, id, code)).JsonAsync();

        Assert.Equal("active", confirmed.Status());
        Assert.Equal(account, confirmed.GetProperty("settings").GetProperty("account_id").GetString());
        await (await PostConfirmAsync(tenant, id, code)).ProblemAsync(HttpStatusCode.NotFound); // single use
        Assert.Equal(1, await VaultSecretsOfAsync(tenant)); // the integration's tokens; the grant kept aside is gone
        Assert.Empty(OAuth.Revocations);
    }

    [Fact]
    public async Task A_meta_grant_confirmed_by_someone_else_is_revoked_with_graphs_permissions_call()
    {
        var (attacker, attackerId) = await CreateAsync("facebook-messenger");
        var victim = await Host.RegisterAsync(plan: "starter");
        var account = UniqueAccount("fbvictim");
        var code = ConfirmCodeOf(await CallbackAsync(OAuth.Consent(await AuthorizationUrlAsync(attacker, attackerId), "facebook-messenger", account)), attackerId);

        await (await PostConfirmAsync(victim, attackerId, code)).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(["authorization_code"], OAuth.TokenRequests.Select(r => r.GrantType)); // never made long-lived
        Assert.Equal(OAuth.IssuedAccessTokens[account], Assert.Single(OAuth.Revocations, r => r.Provider == "meta").Token);
        await (await Host.Client.SendAsync(attacker.Request(HttpMethod.Get, $"{IntegrationsApi.Base}{attackerId}/connect/accounts/")))
            .ProblemAsync(HttpStatusCode.Conflict); // no login to list anybody's pages with
    }

    [Theory]
    [InlineData("not-a-code")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("../../OAuthStates/grant")]
    public async Task An_unknown_or_malformed_code_is_404_and_a_missing_one_400(string code)
    {
        var (tenant, id) = await CreateAsync("zoom");
        await (await PostConfirmAsync(tenant, id, code)).ProblemAsync(HttpStatusCode.NotFound);
        var missing = await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/confirm/", new { }));
        await missing.ProblemAsync(HttpStatusCode.BadRequest);
        await (await Host.Client.PostAsJsonAsync($"{IntegrationsApi.Base}{id}/connect/confirm/", new { code })).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forty_concurrent_connects_leave_one_usable_state_and_no_other_state_row()
    {
        var (tenant, id) = await CreateAsync("zoom");

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => PostConnectAsync(tenant, id)));

        var urls = new List<string>();
        foreach (var answer in answers)
        {
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)answer.StatusCode}");
            if (answer.StatusCode == HttpStatusCode.OK) urls.Add((await answer.JsonAsync()).GetProperty("authorization_url").GetString()!);
        }
        Assert.True(urls.Count >= 30, $"only {urls.Count} of 40 connects were answered");
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.OAuthStates, default);
        Assert.Equal(2, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TenantId eq {tenant.TenantId}")).CountAsync()); // slot + newest
        var outcomes = new List<string>();
        foreach (var url in urls) outcomes.Add(await CallbackAsync(OAuth.Consent(url, "zoom", UniqueAccount("Z"))));
        Assert.Single(outcomes, o => o.StartsWith("?confirm=", StringComparison.Ordinal));
        Assert.Equal(urls.Count - 1, outcomes.Count(o => o == "?error=invalid_state"));
    }

    private async Task<List<TableEntity>> PendingRowsAsync(TenantSession tenant)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.OAuthStates, default);
        return (await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TenantId eq {tenant.TenantId}")).ToListAsync())
            .Where(r => r.PartitionKey.StartsWith("grant-", StringComparison.Ordinal)).ToList();
    }
}
