using System.Net;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

public static class IntegrationsApi
{
    public const string Base = "/api/integrations/api/";

    public static Task<HttpResponseMessage> CreateAsync(this TestHost host, TenantSession tenant, object body) =>
        host.Client.SendAsync(tenant.Request(HttpMethod.Post, Base, body));

    public static async Task<JsonElement> CreateIntegrationAsync(this TestHost host, TenantSession tenant, string slug,
        object? settings = null, object? credentials = null) =>
        await (await host.CreateAsync(tenant, new { integration_type_slug = slug, settings, credentials })).JsonAsync(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> PostActionAsync(this TestHost host, TenantSession tenant, int id, string action) =>
        host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"{Base}{id}/{action}/"));

    public static async Task<JsonElement> ConnectTelegramAsync(this TestHost host, TenantSession tenant, string? botToken = null) =>
        await host.CreateIntegrationAsync(tenant, "telegram", new { greeting = "Вітаємо!" },
            new { bot_token = botToken ?? SecretSentinel.NewTelegramToken() });

    public static int Id(this JsonElement integration) => integration.GetProperty("id").GetInt32();

    public static string Status(this JsonElement integration) => integration.GetProperty("status").GetString()!;
}
