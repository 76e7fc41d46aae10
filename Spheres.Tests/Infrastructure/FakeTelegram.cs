using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// A local stand-in for the Telegram Bot API on a loopback port: answers getMe, setWebhook and
/// deleteWebhook the way Telegram does and records every call (token, method, JSON body).
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    public sealed record Call(string Token, string Method, JsonElement Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();

    private FakeTelegram(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Tokens Telegram does not know: their calls get 401 Unauthorized, as for a revoked token.</summary>
    public ConcurrentDictionary<string, byte> RevokedTokens { get; } = new();

    /// <summary>Methods that fail as if Telegram were down (HTTP 502, no body).</summary>
    public ConcurrentDictionary<string, byte> FailingMethods { get; } = new();

    public IReadOnlyList<Call> Calls => _calls.ToArray();

    public IEnumerable<Call> CallsOf(string method) => Calls.Where(c => c.Method == method);

    public static async Task<FakeTelegram> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTelegram(app);
        app.MapPost("/bot{token}/{method}", async (string token, string method, HttpRequest request) =>
        {
            var body = await JsonDocument.ParseAsync(request.Body);
            fake._calls.Enqueue(new Call(token, method, body.RootElement.Clone()));
            if (fake.FailingMethods.ContainsKey(method)) return Results.StatusCode(502);
            if (fake.RevokedTokens.ContainsKey(token))
                return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
            return method switch
            {
                "getMe" => Results.Json(new { ok = true, result = new { id = long.Parse(token.Split(':')[0]), is_bot = true, first_name = "Salon bot", username = "salon_bot" } }),
                "setWebhook" => Results.Json(new { ok = true, result = true, description = "Webhook was set" }),
                "deleteWebhook" => Results.Json(new { ok = true, result = true, description = "Webhook was deleted" }),
                _ => Results.Json(new { ok = false, error_code = 404, description = "Not Found" }, statusCode: 404),
            };
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
