using System.Net;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Operations;

/// <summary><c>GET /api/admin/tenants/?email=</c>: support finds a tenant by its owner's email, behind the function key.</summary>
public sealed class SupportLookupTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Support_finds_a_tenant_by_email_with_its_plan_and_integrations()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var telegram = await _host.ConnectTelegramAsync(tenant);

        var found = await (await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Get,
            $"/api/admin/tenants/?email={Uri.EscapeDataString(" " + tenant.Email.ToUpperInvariant())}"))).JsonAsync();

        Assert.Equal(tenant.TenantId, found.GetProperty("tenant_id").GetString());
        Assert.Equal(tenant.Email, found.GetProperty("email").GetString());
        Assert.Equal("starter", found.GetProperty("plan").GetString());
        Assert.True(found.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var integration = found.GetProperty("integrations").EnumerateArray().Single();
        Assert.Equal(telegram.Id(), integration.GetProperty("id").GetInt32());
        Assert.Equal("telegram", integration.GetProperty("integration_type_slug").GetString());
        Assert.Equal("pending", integration.GetProperty("status").GetString());
        Assert.False(integration.TryGetProperty("settings", out _));
    }

    [Theory]
    [InlineData("/api/admin/tenants/", HttpStatusCode.BadRequest)]
    [InlineData("/api/admin/tenants/?email=not-an-email", HttpStatusCode.BadRequest)]
    [InlineData("/api/admin/tenants/?email=nobody-here%40example.com", HttpStatusCode.NotFound)]
    public async Task A_missing_invalid_or_unknown_email_is_a_problem(string path, HttpStatusCode expected)
    {
        await (await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Get, path))).ProblemAsync(expected);
    }

    [Fact]
    public async Task The_lookup_needs_the_function_key()
    {
        var tenant = await _host.RegisterAsync();
        var anonymous = await _host.Client.GetAsync($"/api/admin/tenants/?email={Uri.EscapeDataString(tenant.Email)}");
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);
        var asTenant = await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/admin/tenants/?email={Uri.EscapeDataString(tenant.Email)}"));
        await asTenant.ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
