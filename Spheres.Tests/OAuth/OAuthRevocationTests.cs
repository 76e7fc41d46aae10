using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Functions.Accounts;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>DELETE of an OAuth integration tells the provider: Google's channels and Gmail's watch stopped first, then the grant revoked.</summary>
[Collection(OAuthMaintenanceCollection.Name)]
public sealed class OAuthRevocationTests(OAuthMaintenanceFixture fx)
{
    private FakeTokenEndpoint Provider => fx.Provider;

    private async Task DeleteAsync(TenantSession tenant, int id)
    {
        var response = await fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await fx.RowAsync(tenant, id));
    }

    [Fact]
    public async Task Deleting_google_calendar_stops_its_channel_then_revokes_the_refresh_token()
    {
        var (tenant, integration, accessToken, refreshToken) =
            await fx.ConnectedAsync("google-calendar", TimeSpan.FromHours(1), new { channel_resource_id = "res-" + Guid.NewGuid().ToString("N") });

        await DeleteAsync(tenant, integration.Id);

        var calls = Provider.Api.Calls.ToList();
        var stop = calls.FindIndex(c => c.Path == "/calendar/v3/channels/stop" && c.Authorization == "Bearer " + accessToken);
        var revoke = calls.FindIndex(c => c.Path == "/google/revoke" && FakeTokenEndpoint.Fields(c.Body).GetValueOrDefault("token") == refreshToken);
        Assert.True(stop >= 0 && revoke > stop, "channels.stop with the access token, then the refresh token revoked");
        Assert.Null(calls[revoke].Authorization); // Google's revoke takes the token alone, in the form body, never in the URL
        Assert.Empty(SecretSentinel.LeaksFound);
    }

    [Fact]
    public async Task Deleting_gmail_stops_the_watch_and_revokes()
    {
        var (tenant, integration, accessToken, refreshToken) = await fx.ConnectedAsync("gmail", TimeSpan.FromHours(1));

        await DeleteAsync(tenant, integration.Id);

        Assert.Contains(Provider.Api.Calls, c => c.Path == "/gmail/v1/users/me/stop" && c.Method == "POST" && c.Authorization == "Bearer " + accessToken);
        Assert.Contains(Provider.RevokeCalls("google"), c => FakeTokenEndpoint.Fields(c.Body)["token"] == refreshToken);
    }

    [Fact]
    public async Task Zoom_revocation_is_rfc_7009_with_basic_client_authentication()
    {
        var (tenant, integration, _, refreshToken) = await fx.ConnectedAsync("zoom", TimeSpan.FromHours(1), new { account_id = "Z" + Guid.NewGuid().ToString("N") });

        await DeleteAsync(tenant, integration.Id);

        var revoke = Assert.Single(Provider.RevokeCalls("zoom"), c => FakeTokenEndpoint.Fields(c.Body)["token"] == refreshToken);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTokenEndpoint.ClientId}:{FakeTokenEndpoint.ClientSecret}")), revoke.Authorization);
    }

    [Fact]
    public async Task Square_revocation_sends_the_client_secret_as_authorization_and_the_access_token_as_json()
    {
        var (tenant, integration, accessToken, _) = await fx.ConnectedAsync("square-appointments", TimeSpan.FromHours(1), new { merchant_id = "M" + Guid.NewGuid().ToString("N")[..10] });

        await DeleteAsync(tenant, integration.Id);

        var revoke = Assert.Single(Provider.RevokeCalls("square"), c => c.Body.Contains(accessToken));
        Assert.Equal("Client " + FakeTokenEndpoint.ClientSecret, revoke.Authorization);
        var body = FakeTokenEndpoint.Fields(revoke.Body);
        Assert.Equal((FakeTokenEndpoint.ClientId, accessToken), (body["client_id"], body["access_token"]));
    }

    [Fact]
    public async Task A_channel_stop_that_fails_neither_stops_the_delete_nor_the_revocation()
    {
        var (tenant, integration, _, refreshToken) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromHours(1), new { channel_resource_id = "res-down" });
        Provider.Api.Status = 503; // Google's REST API is down; its revoke endpoint answers
        try
        {
            await DeleteAsync(tenant, integration.Id);
        }
        finally
        {
            Provider.Api.Status = 200;
        }
        Assert.Contains(Provider.RevokeCalls("google"), c => FakeTokenEndpoint.Fields(c.Body)["token"] == refreshToken);
        Assert.Null(await fx.VaultAsync(integration.CredentialsRef));
    }

    [Fact]
    public async Task Account_erasure_revokes_through_the_same_disconnect()
    {
        var (tenant, _, _, refreshToken) = await fx.ConnectedAsync("calendly", TimeSpan.FromHours(1), new { user_uri = "https://api.calendly.com/users/" + Guid.NewGuid().ToString("N") });
        var erase = await fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }));
        Assert.Equal(HttpStatusCode.Accepted, erase.StatusCode);
        var message = (await AzuriteContents.TakeMessageAsync(fx.Azurite.ConnectionString, TableNames.AccountErasureQueue))!;

        await ActivatorUtilities.CreateInstance<AccountErasureFunctions>(fx.Host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);
        fx.Clock.Advance(Spheres.Core.Operations.ErasureSteps.LastWriteHorizon); // the sweep waits for writes already under way
        await ActivatorUtilities.CreateInstance<AccountErasureFunctions>(fx.Host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);

        var revoke = Assert.Single(Provider.RevokeCalls("calendly"), c => FakeTokenEndpoint.Fields(c.Body)["token"] == refreshToken);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTokenEndpoint.ClientId}:{FakeTokenEndpoint.ClientSecret}")), revoke.Authorization);
    }

    [Fact]
    public async Task An_expiry_that_is_not_iso_8601_is_refused_and_changes_nothing()
    {
        var (tenant, integration, _, _) = await fx.ConnectedAsync("google-sheets", TimeSpan.FromHours(1));
        var response = await fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{integration.Id}/",
            new { credentials = new { access_token = SecretSentinel.NewSecret("google-access"), expires_at = "tomorrow" } }));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("credentials.expires_at", out _));
        var unchanged = (await fx.RowAsync(tenant, integration.Id))!;
        Assert.Equal((integration.CredentialsRef, integration.TokenExpiresAt), (unchanged.CredentialsRef, unchanged.TokenExpiresAt));
    }
}
