using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Testing;

/// <summary>
/// A local stand-in for the Graph API's send endpoint (<c>POST /{account}/messages</c>) on a loopback
/// port: records the exact body bytes and the Authorization header, and answers as Messenger
/// (<c>{recipient_id, message_id}</c>) or WhatsApp (<c>{messaging_product, contacts, messages:[{id}]}</c>) does.
/// Activation asks Graph which accounts a token may use: by default this fake answers
/// <c>GET /{waba}/phone_numbers</c> from <see cref="ListWhatsAppNumber"/> (the benchmarks); the tests map their fuller
/// who-am-I endpoints instead (<c>accounts</c> of <see cref="StartAsync"/>).
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public sealed record Send(string Account, string Authorization, string ContentType, byte[] Body)
    {
        public string BodyText => Encoding.UTF8.GetString(Body);
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Send> _sends = new();

    private FakeGraph(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Send> Sends => _sends.ToArray();

    /// <summary>Answers to give the next sends instead of success, in order (Meta's error shapes).</summary>
    public ConcurrentQueue<IResult> NextAnswers { get; } = new();

    public static IResult Error(int status, int code, int? subcode, string message, int? retryAfterSeconds = null)
    {
        var json = Results.Json(new { error = new { message, type = "OAuthException", code, error_subcode = subcode, fbtrace_id = "AbCdEf" } }, statusCode: status);
        return retryAfterSeconds is { } seconds ? new WithRetryAfter(json, seconds) : json;
    }

    private sealed class WithRetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    private readonly ConcurrentDictionary<(string Token, string Waba), ConcurrentDictionary<string, byte>> _numbers = new();

    /// <summary>Graph will list <paramref name="phoneNumberId"/> under <paramref name="waba"/> for <paramref name="token"/> (any other token: 401).</summary>
    public void ListWhatsAppNumber(string token, string waba, string phoneNumberId) =>
        _numbers.GetOrAdd((token, waba), _ => new())[phoneNumberId] = 0;

    /// <param name="accounts">Maps Graph's who-am-I endpoints under the given path prefix, in place of the WhatsApp number list.</param>
    public static async Task<FakeGraph> StartAsync(Action<WebApplication, string>? accounts = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeGraph(app);
        if (accounts is not null) accounts(app, "/v21.0");
        else fake.MapWhatsAppNumbers(app, "/v21.0");
        app.MapPost("/v21.0/{account}/messages", async (string account, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            fake._sends.Enqueue(new Send(account, request.Headers.Authorization.ToString(), request.ContentType ?? "", buffer.ToArray()));
            if (fake.NextAnswers.TryDequeue(out var scripted)) return scripted;
            var id = Guid.NewGuid().ToString("N");
            return Encoding.UTF8.GetString(buffer.ToArray()).Contains("\"messaging_product\"", StringComparison.Ordinal)
                ? Results.Json(new { messaging_product = "whatsapp", contacts = new[] { new { input = "x", wa_id = "x" } }, messages = new[] { new { id = "wamid." + id } } })
                : Results.Json(new { recipient_id = "r", message_id = "m_" + id });
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First() + "/v21.0";
        return fake;
    }

    /// <summary>The numbers of a WhatsApp Business Account, and subscribing our app to it, for the tokens it was listed for.</summary>
    private void MapWhatsAppNumbers(WebApplication app, string prefix)
    {
        ConcurrentDictionary<string, byte>? NumbersOf(HttpRequest request, string waba) =>
            _numbers.TryGetValue((request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal), waba), out var numbers) ? numbers : null;
        var refused = Results.Json(new { error = new { message = "Invalid OAuth access token.", type = "OAuthException", code = 190 } }, statusCode: 401);
        app.MapGet(prefix + "/{waba}/phone_numbers", (string waba, HttpRequest request) => NumbersOf(request, waba) is { } numbers
            ? Results.Json(new { data = numbers.Keys.Select(id => new { id, display_phone_number = "+380 44 123 4567" }) })
            : refused);
        app.MapPost(prefix + "/{waba}/subscribed_apps", (string waba, HttpRequest request) =>
            NumbersOf(request, waba) is null ? refused : Results.Json(new { success = true }));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
