using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in for a REST provider (Google, Graph API): answers every request with
/// <see cref="Status"/> and records it (method, path, Authorization header, body). A test that needs real
/// answers (a token endpoint, a JWKS) sets <see cref="Responder"/>: its answer wins where it gives one.
/// </summary>
public sealed class FakeProviderApi : IAsyncDisposable
{
    public sealed record Call(string Method, string Path, string? Authorization, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();

    private FakeProviderApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int Status { get; set; } = 200;

    public IReadOnlyList<Call> Calls => _calls.ToArray();

    /// <summary>Answers a call itself (status, JSON body), or null to leave it to <see cref="Status"/>.</summary>
    public Func<Call, (int Status, object Body)?>? Responder { get; set; }

    public static async Task<FakeProviderApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeProviderApi(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var call = new Call(context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.Headers.Authorization.FirstOrDefault(), await reader.ReadToEndAsync());
            fake._calls.Enqueue(call);
            if (fake.Responder?.Invoke(call) is var (status, body))
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(body);
                return;
            }
            context.Response.StatusCode = fake.Status;
            await context.Response.WriteAsJsonAsync(new { success = fake.Status < 400 });
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
