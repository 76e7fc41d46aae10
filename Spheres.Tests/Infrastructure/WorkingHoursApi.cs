using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>The working-hours endpoints as the frontend calls them.</summary>
public static class WorkingHoursApi
{
    public const string Flat = "/api/integrations/api/working-hours/";

    public static string Week(int integrationId) => $"{IntegrationsApi.Base}{integrationId}/working_hours/";

    public static string Status(int integrationId) => $"{IntegrationsApi.Base}{integrationId}/working_hours/status/";

    public static string Exceptions(int integrationId) => $"{IntegrationsApi.Base}{integrationId}/working_hours/exceptions/";

    public static object Row(int weekday, string start, string end, bool enabled = true) =>
        new { weekday, start_time = start, end_time = end, is_enabled = enabled };

    /// <summary>Monday to Friday with the same hours.</summary>
    public static object[] Weekdays(string start, string end) => [.. Enumerable.Range(0, 5).Select(day => Row(day, start, end))];

    public static Task<HttpResponseMessage> PostWeekAsync(this TestHost host, TenantSession tenant, int integrationId, object rows) =>
        host.Client.SendAsync(tenant.Request(HttpMethod.Post, Week(integrationId), rows));

    public static async Task<JsonElement> SetWeekAsync(this TestHost host, TenantSession tenant, int integrationId, params object[] rows) =>
        await (await host.PostWeekAsync(tenant, integrationId, rows)).JsonAsync();

    public static Task<HttpResponseMessage> PostRawAsync(this TestHost host, TenantSession tenant, string path, string json, HttpMethod? method = null)
    {
        var request = tenant.Request(method ?? HttpMethod.Post, path);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return host.Client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> CreateRowAsync(this TestHost host, TenantSession tenant, int integrationId, int weekday, string start, string end,
        bool enabled = true) =>
        host.Client.SendAsync(tenant.Request(HttpMethod.Post, Flat,
            new { integration = integrationId, weekday, start_time = start, end_time = end, is_enabled = enabled }));

    /// <summary>A starter tenant (working hours in the plan) with a Telegram integration; returns its id.</summary>
    public static async Task<(TenantSession Tenant, int IntegrationId)> TenantWithTelegramAsync(this TestHost host, string plan = "starter",
        object? settings = null)
    {
        var tenant = await host.RegisterAsync(plan: plan);
        return (tenant, (await host.CreateIntegrationAsync(tenant, "telegram", settings)).Id());
    }

    /// <summary>Signs in again: a test that moves a fake clock past the token's hour needs a fresh token.</summary>
    public static async Task<TenantSession> SignInAgainAsync(this TestHost host, TenantSession tenant)
    {
        var response = await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password });
        var body = await response.JsonAsync();
        return tenant with { AccessToken = body.GetProperty("access_token").GetString()! };
    }

    /// <summary>Rows as "weekday start-end" (with "(off)" when disabled), for compact assertions.</summary>
    public static string[] Describe(this JsonElement rows) =>
        [.. rows.EnumerateArray().Select(r =>
            $"{r.GetProperty("weekday").GetInt32()} {r.GetProperty("start_time").GetString()}-{r.GetProperty("end_time").GetString()}" +
            (r.GetProperty("is_enabled").GetBoolean() ? "" : " (off)"))];

    public static int[] Ids(this JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.GetProperty("id").GetInt32())];

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateObject().Select(e => e.Name)] : [];

    public static string ErrorText(this JsonElement problem, string field) =>
        string.Join(" ", problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()));
}
