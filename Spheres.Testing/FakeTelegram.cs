using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Testing;

/// <summary>
/// A local stand-in for the Telegram Bot API on a loopback port: answers getMe, setWebhook,
/// deleteWebhook and sendMessage the way Telegram does and records every call (token, method, JSON body).
/// </summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    /// <summary>One call, and when it arrived (real time).</summary>
    public sealed record Call(string Token, string Method, JsonElement Body, DateTimeOffset At);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();

    private FakeTelegram(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Tokens Telegram does not know: their calls get 401 Unauthorized, as for a revoked token.</summary>
    public ConcurrentDictionary<string, byte> RevokedTokens { get; } = new();

    /// <summary>Methods that fail as if Telegram were down (HTTP 502, no body).</summary>
    public ConcurrentDictionary<string, byte> FailingMethods { get; } = new();

    public IReadOnlyList<Call> Calls => _calls.ToArray();

    /// <summary>Chats whose user blocked the bot: sendMessage to them gets Telegram's 403.</summary>
    public ConcurrentDictionary<long, byte> BlockedChats { get; } = new();

    /// <summary>Answers to give the next sendMessage calls instead of success, in order (e.g. a 429 with retry_after).</summary>
    public ConcurrentQueue<IResult> NextSendAnswers { get; } = new();

    /// <summary>Runs inside each sendMessage after it is recorded and before it is answered (an outage at the worst moment).</summary>
    public Func<Task>? BeforeSendAnswer { get; set; }

    private int _nextMessageId = 1000;

    public static IResult TooManyRequests(int retryAfter) => Results.Json(new
    {
        ok = false, error_code = 429, description = $"Too Many Requests: retry after {retryAfter}", parameters = new { retry_after = retryAfter },
    }, statusCode: 429);

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
            fake._calls.Enqueue(new Call(token, method, body.RootElement.Clone(), DateTimeOffset.UtcNow));
            if (fake.FailingMethods.ContainsKey(method)) return Results.StatusCode(502);
            if (fake.RevokedTokens.ContainsKey(token))
                return Results.Json(new { ok = false, error_code = 401, description = "Unauthorized" }, statusCode: 401);
            return method switch
            {
                "getMe" => Results.Json(new { ok = true, result = new { id = long.Parse(token.Split(':')[0]), is_bot = true, first_name = "Salon bot", username = "salon_bot" } }),
                "setWebhook" => Results.Json(new { ok = true, result = true, description = "Webhook was set" }),
                "deleteWebhook" => Results.Json(new { ok = true, result = true, description = "Webhook was deleted" }),
                "sendMessage" => await fake.SendMessageAsync(body.RootElement),
                _ => Results.Json(new { ok = false, error_code = 404, description = "Not Found" }, statusCode: 404),
            };
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    private async Task<IResult> SendMessageAsync(JsonElement body)
    {
        if (BeforeSendAnswer is { } before) await before();
        if (NextSendAnswers.TryDequeue(out var scripted)) return scripted;
        if (BlockedChats.ContainsKey(body.GetProperty("chat_id").GetInt64()))
            return Results.Json(new { ok = false, error_code = 403, description = "Forbidden: bot was blocked by the user" }, statusCode: 403);
        return Results.Json(new
        {
            ok = true,
            result = new { message_id = Interlocked.Increment(ref _nextMessageId), date = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text = body.GetProperty("text").GetString() },
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
