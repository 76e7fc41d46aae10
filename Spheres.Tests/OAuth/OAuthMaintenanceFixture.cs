using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>
/// An Azurite of its own (the refresh and renewal timers query every tenant: on the shared Azurite they would
/// touch other tests' integrations), the fake providers' token endpoints, and a clock the tests move.
/// </summary>
public sealed class OAuthMaintenanceFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;
    public FakeTokenEndpoint Provider { get; private set; } = null!;
    public TestHost Host { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Provider = new FakeTokenEndpoint(await FakeProviderApi.StartAsync());
        Host = await TestHost.StartAsync(Azurite.ConnectionString, Provider.Settings(), s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Provider.Api.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    /// <summary>A second instance of the app on the same storage, providers, clock and credential key: what Azure runs when it scales out.</summary>
    public async Task<TestHost> SecondInstanceAsync()
    {
        var settings = Provider.Settings();
        settings[Core.Configuration.SettingNames.LocalCredentialKey] =
            Get<Microsoft.Extensions.Configuration.IConfiguration>()[Core.Configuration.SettingNames.LocalCredentialKey];
        return await TestHost.StartAsync(Azurite.ConnectionString, settings, s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A tenant's integration connected with tokens given directly (PUT credentials), as CATALOG allows.</summary>
    public async Task<(TenantSession Tenant, Integration Integration, string AccessToken, string RefreshToken)> ConnectedAsync(
        string slug, TimeSpan expiresIn, object? settings = null, string? refreshToken = null)
    {
        var provider = OAuthProviders.ForType(slug)!.Value.Provider.Name;
        var tenant = await Host.RegisterAsync(plan: "professional");
        var accessToken = SecretSentinel.NewSecret(provider + "-access");
        refreshToken ??= Provider.IssueRefreshToken(provider);
        var created = await Host.CreateIntegrationAsync(tenant, slug, settings, new
        {
            access_token = accessToken, refresh_token = refreshToken,
            expires_at = (Clock.GetUtcNow() + expiresIn).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        });
        return (tenant, (await RowAsync(tenant, created.Id()))!, accessToken, refreshToken);
    }

    public Task<Integration?> RowAsync(TenantSession tenant, int id) => Get<IntegrationStore>().FindAsync(tenant.TenantId, id, default);

    public async Task<IReadOnlyDictionary<string, string>?> VaultAsync(string? reference) =>
        reference is null ? null : await Get<ICredentialVault>().ReadAsync(reference, default);

    public async Task<System.Text.Json.JsonElement> ViewAsync(TenantSession tenant, int id) =>
        await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/", HttpStatusCode.OK);
}

[CollectionDefinition(Name)]
public sealed class OAuthMaintenanceCollection : ICollectionFixture<OAuthMaintenanceFixture>
{
    public const string Name = "OAuth maintenance";
}
