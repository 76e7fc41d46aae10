using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Azure.Data.Tables;
using Spheres.Core.Credentials;
using Spheres.Core.Storage;
using Spheres.Core.Integrations;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>A test class's own host whose six OAuth providers are a <see cref="FakeOAuthServer"/>, configured by API.md's names only.</summary>
public abstract class WithFakeOAuth : IAsyncLifetime
{
    protected FakeOAuthServer OAuth { get; private set; } = null!;
    protected TestHost Host { get; private set; } = null!;
    protected FakeProviderAccounts Accounts { get; private set; } = null!;

    /// <summary>Null: the system clock. A class that moves time sets it before the host starts.</summary>
    protected virtual FakeTimeProvider? Clock => null;

    /// <summary>True for a class whose sweeps read every tenant (a fake clock ahead would touch its neighbours' rows): its own Azurite.</summary>
    protected virtual bool OwnStorage => false;

    private AzuriteServer? _ownAzurite;

    public async Task InitializeAsync()
    {
        OAuth = await FakeOAuthServer.StartAsync();
        Accounts = await FakeProviderAccounts.Shared;
        if (OwnStorage) _ownAzurite = await AzuriteServer.StartAsync();
        var storage = _ownAzurite?.ConnectionString ?? (await AzuriteServer.Shared).ConnectionString;
        Host = await TestHost.StartAsync(storage, OAuth.Settings(), services =>
        {
            if (Clock is { } clock) services.AddSingleton<TimeProvider>(clock);
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await OAuth.DisposeAsync();
        if (_ownAzurite is not null) await _ownAzurite.DisposeAsync();
    }

    /// <summary>A tenant (plan starter, so sphere types are allowed) with one integration of <paramref name="slug"/>.</summary>
    protected async Task<(TenantSession Tenant, int Id)> CreateAsync(string slug, string sphere = "beauty", object? settings = null)
    {
        var tenant = await Host.RegisterAsync(sphere, plan: "starter");
        return (tenant, (await Host.CreateIntegrationAsync(tenant, slug, settings)).Id());
    }

    protected Task<HttpResponseMessage> PostConnectAsync(TenantSession tenant, int id) =>
        Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/"));

    /// <summary>POST …/connect/ → the authorization URL.</summary>
    protected async Task<string> AuthorizationUrlAsync(TenantSession tenant, int id)
    {
        var answer = await (await PostConnectAsync(tenant, id)).JsonAsync();
        var expiresAt = answer.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.5));
        return answer.GetProperty("authorization_url").GetString()!;
    }

    /// <summary>The browser coming back: always a 302 into the frontend; answers the Location's query.</summary>
    protected async Task<string> CallbackAsync(string pathAndQuery)
    {
        var response = await Host.Client.GetAsync(pathAndQuery);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(FakeOAuthServer.FrontendBaseUrl + "/integrations?", location);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        return location[(FakeOAuthServer.FrontendBaseUrl + "/integrations").Length..];
    }

    /// <summary>Connect, consent as <paramref name="accountId"/>, come back: the Location's query.</summary>
    protected async Task<string> ConsentAsync(TenantSession tenant, int id, string slug, string accountId) =>
        await CallbackAsync(OAuth.Consent(await AuthorizationUrlAsync(tenant, id), slug, accountId));

    /// <summary>The confirm code of a callback's Location query, after checking it is <c>?confirm={code}&amp;integration={id}</c>.</summary>
    protected static string ConfirmCodeOf(string location, int id)
    {
        Assert.Matches($"^\\?confirm=[A-Za-z0-9_-]{{43}}&integration={id}$", location);
        return location["?confirm=".Length..location.IndexOf('&', StringComparison.Ordinal)];
    }

    /// <summary><c>POST …/{id}/connect/confirm/</c> as <paramref name="tenant"/> with <paramref name="code"/>.</summary>
    protected Task<HttpResponseMessage> PostConfirmAsync(TenantSession tenant, int id, string code) =>
        Host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{IntegrationsApi.Base}{id}/connect/confirm/", new { code }));

    /// <summary>Connect, consent, come back and confirm as the same tenant: the confirmation's answer.</summary>
    protected async Task<HttpResponseMessage> ConnectAsync(TenantSession tenant, int id, string slug, string accountId) =>
        await PostConfirmAsync(tenant, id, ConfirmCodeOf(await ConsentAsync(tenant, id, slug, accountId), id));

    /// <summary>Connect, consent, confirm: the integration as the confirmation answered it (200).</summary>
    protected async Task<JsonElement> ConnectedAsync(TenantSession tenant, int id, string slug, string accountId) =>
        await (await ConnectAsync(tenant, id, slug, accountId)).JsonAsync();

    protected async Task<Integration> RowAsync(TenantSession tenant, int id) =>
        (await Host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, id, default))!;

    protected async Task<IReadOnlyDictionary<string, string>?> SecretAsync(string? reference) =>
        reference is null ? null : await Host.Services.GetRequiredService<ICredentialVault>().ReadAsync(reference, default);

    /// <summary>How many credential secrets the local vault holds for the tenant (referenced or not).</summary>
    protected async Task<int> VaultSecretsOfAsync(TenantSession tenant)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Credentials, default);
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"]))
            if (SecretNames.BelongsTo(row.RowKey, tenant.TenantId)) count++;
        return count;
    }

    protected Task<JsonElement> ReadAsync(TenantSession tenant, int id) => Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{id}/");

    protected static string UniqueAccount(string prefix) => $"{prefix}{Guid.NewGuid():N}";
}
