using System.Net;
using Spheres.Core.Configuration;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>Consent fails closed without its configuration, and runs through DevHost on Kestrel with fakes named only by API.md's settings.</summary>
public sealed class ConsentConfigurationTests
{
    [Fact]
    public async Task Without_a_client_or_a_frontend_consent_answers_503_not_configured()
    {
        await using var oauth = await FakeOAuthServer.StartAsync();
        var settings = oauth.Settings();
        settings[OAuthClientSecret("Zoom")] = "@Microsoft.KeyVault(VaultName=v;SecretName=spheres-oauth-zoom-client-secret)";
        settings[SettingNames.FrontendBaseUrl] = "";
        settings[SettingNames.GooglePubSubTopic] = "";
        await using var host = await TestHost.StartSharedAsync(settings);
        var tenant = await host.RegisterAsync();

        foreach (var slug in new[] { "zoom", "gmail", "google-calendar" })
        {
            var id = (await host.CreateIntegrationAsync(tenant, slug)).Id();
            var problem = await (await host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/")))
                .ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.EndsWith("/not-configured", problem.GetProperty("type").GetString());
        }
        var callback = await host.Client.GetAsync("/api/oauth/google/callback/?code=a&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.EndsWith("/not-configured", (await callback.ProblemAsync(HttpStatusCode.ServiceUnavailable)).GetProperty("type").GetString());
        Assert.Null(callback.Headers.Location);
    }

    [Fact]
    public async Task A_full_consent_round_trip_runs_through_devhost_on_kestrel()
    {
        await using var oauth = await FakeOAuthServer.StartAsync();
        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString, oauth.Settings(), onKestrel: true);
        // A browser that does not follow the redirect, so the test sees where it points.
        using var browser = new HttpClient(new SecretSentinel.ResponseScanner(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            BaseAddress = new Uri(host.KestrelUrl!),
        };
        var tenant = await host.RegisterAsync("beauty", plan: "starter");
        var id = (await host.CreateIntegrationAsync(tenant, "google-calendar")).Id();

        var start = await (await browser.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/"))).JsonAsync();
        var back = await browser.GetAsync(oauth.Consent(start.GetProperty("authorization_url").GetString()!, "google-calendar", $"kestrel{Guid.NewGuid():N}@example.com"));

        Assert.Equal(HttpStatusCode.Found, back.StatusCode);
        var location = back.Headers.Location!.ToString();
        Assert.StartsWith($"{FakeOAuthServer.FrontendBaseUrl}/integrations?confirm=", location);
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(location).Query)["confirm"];
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Web.HttpUtility.ParseQueryString(new Uri(location).Query)["integration"]);
        var confirmed = await browser.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/confirm/", new { code }));
        Assert.Equal("active", (await confirmed.JsonAsync()).Status());
    }

    private static string OAuthClientSecret(string provider) => $"Spheres:OAuth:{provider}:ClientSecret";
}
