using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// A local stand-in for the Graph API's send endpoint (<c>POST /{account}/messages</c>) on a loopback
/// port: records the exact body bytes and the Authorization header, and answers as Messenger
/// (<c>{recipient_id, message_id}</c>) or WhatsApp (<c>{messaging_product, contacts, messages:[{id}]}</c>) does.
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

    public static async Task<FakeGraph> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeGraph(app);
        (await FakeProviderAccounts.Shared).MapGraphOwnership(app, "/v21.0"); // activation asks Graph which account a token is
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

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
