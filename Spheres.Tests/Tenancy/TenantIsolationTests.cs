using System.Net;
using System.Net.Http.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Tenancy;

/// <summary>
/// Every tenant-scoped endpoint, called with a second tenant's token: it sees only its own rows,
/// and a first tenant's ids are 404. Each feature adds its endpoints here.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private TenantSession _first = null!;
    private TenantSession _second = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartSharedAsync();
        _first = await _host.RegisterAsync(sphere: "beauty");
        _second = await _host.RegisterAsync(sphere: "health", country: "PL");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Profile_and_usage_are_the_callers_own()
    {
        var profile = await _host.GetJsonAsync(_second, "/api/accounts/profile/");
        Assert.Equal(_second.TenantId, profile.GetProperty("tenant_id").GetString());
        Assert.Equal("health", profile.GetProperty("sphere_slug").GetString());
        await _host.GetJsonAsync(_second, "/api/accounts/usage/");
    }

    [Fact]
    public async Task A_tenant_id_in_the_body_or_query_is_ignored()
    {
        var request = _second.Request(HttpMethod.Patch, $"/api/accounts/profile/?tenant_id={_first.TenantId}",
            new { tenant_id = _first.TenantId, business_name = "Renamed by second" });
        var updated = await (await _host.Client.SendAsync(request)).JsonAsync();

        Assert.Equal(_second.TenantId, updated.GetProperty("tenant_id").GetString());
        var first = await _host.GetJsonAsync(_first, "/api/accounts/profile/");
        Assert.Equal("Olena's Salon", first.GetProperty("business_name").GetString());
    }

    [Fact]
    public async Task Every_tenant_scoped_endpoint_refuses_a_request_without_a_token()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/accounts/profile/"), (HttpMethod.Patch, "/api/accounts/profile/"), (HttpMethod.Get, "/api/accounts/usage/") })
        {
            var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonContent.Create(new { }) };
            await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }
}
