using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>A registered tenant as a test uses it: its ids and a client that sends its token.</summary>
public sealed record TenantSession(string TenantId, string UserId, string Email, string Password, string AccessToken)
{
    public HttpRequestMessage Request(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        if (json is not null) request.Content = JsonContent.Create(json);
        return request;
    }
}

public static class Tenants
{
    public const string Password = "correct horse battery";

    public static string UniqueEmail(string prefix = "owner") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static async Task<TenantSession> RegisterAsync(this TestHost host, string sphere = "beauty", string? email = null,
        string? timezone = "Europe/Kyiv", string? country = "UA", string? plan = null)
    {
        email ??= UniqueEmail();
        var response = await host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = Password, name = "Olena", business_name = "Olena's Salon", sphere_slug = sphere, timezone, country,
        });
        var body = await response.JsonAsync(HttpStatusCode.Created);
        var session = new TenantSession(
            body.GetProperty("profile").GetProperty("tenant_id").GetString()!,
            body.GetProperty("user").GetProperty("id").GetString()!,
            email, Password, body.GetProperty("access_token").GetString()!);
        if (plan is not null) await host.SetPlanAsync(session.TenantId, plan);
        return session;
    }

    public static async Task SetPlanAsync(this TestHost host, string tenantId, string plan)
    {
        var request = host.AdminRequest(HttpMethod.Put, $"/api/admin/tenants/{tenantId}/plan/");
        request.Content = JsonContent.Create(new { plan });
        await (await host.Client.SendAsync(request)).JsonAsync();
    }

    /// <summary>The messages the tenant's plan counted this month (<c>GET /api/accounts/usage/</c>).</summary>
    public static async Task<int> UsageAsync(this TestHost host, TenantSession tenant) =>
        (await host.GetJsonAsync(tenant, "/api/accounts/usage/")).GetProperty("messages_used").GetInt32();

    public static async Task<JsonElement> GetJsonAsync(this TestHost host, TenantSession tenant, string path, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Get, path))).JsonAsync(expected);
}
