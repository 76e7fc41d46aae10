using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Providers;

/// <summary>
/// One client span per request to a provider: <c>{provider} {operation}</c> with the provider, the method, the host and
/// the answer's status. Never the URL: Telegram's carries the bot token (<c>/bot&lt;token&gt;/sendMessage</c>), others
/// carry account ids and queries. The operation is the API method where the URL's last segment is one (Telegram's Bot API
/// methods, fixed names), else the HTTP method. Shared clients learn the provider per request (<see cref="ForProvider"/>),
/// or name it by the host.
/// </summary>
public sealed class ProviderCallSpans(string? provider, bool methodInPath) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<string> ProviderOption = new("spheres.provider");

    /// <summary>Names the provider of a request sent through a shared client (the OAuth token client serves every provider).</summary>
    public static HttpRequestMessage ForProvider(HttpRequestMessage request, string name)
    {
        request.Options.Set(ProviderOption, name);
        return request;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var name = provider ?? (request.Options.TryGetValue(ProviderOption, out var named) ? named : request.RequestUri?.Host ?? "unknown");
        var operation = methodInPath && request.RequestUri is { Segments.Length: >= 3 } uri ? uri.Segments[^1].Trim('/') : request.Method.Method;
        using var activity = SpheresTelemetry.Source.StartActivity($"{name} {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(SpheresTelemetry.Tags.Provider, name);
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("server.address", request.RequestUri?.Host);
        }
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", (int)response.StatusCode);
                if ((int)response.StatusCode >= 400)
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                    activity.SetTag(SpheresTelemetry.Tags.ErrorType, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            return response;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }
}

public static class ProviderCallSpansRegistration
{
    /// <summary>
    /// Adds <see cref="ProviderCallSpans"/> to a provider's HTTP client; <paramref name="provider"/> null for shared clients,
    /// <paramref name="methodInPath"/> where the URL's last segment names the API method and nothing secret.
    /// </summary>
    public static IHttpClientBuilder AddProviderCallSpans(this IHttpClientBuilder builder, string? provider, bool methodInPath = false) =>
        builder.AddHttpMessageHandler(() => new ProviderCallSpans(provider, methodInPath));
}
