using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// The baseline: Kestrel and routing with one GET route that writes a constant body, the bytes
/// and headers DevHost answered, and nothing else (no logging, no DI work per request).
/// </summary>
public static class BareEndpoint
{
    public static WebApplication Create(string url, string path, byte[] body, IReadOnlyDictionary<string, string> headers)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapGet(path, context =>
        {
            var response = context.Response;
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        return app;
    }
}
