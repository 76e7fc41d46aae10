using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>A provider refused (<see cref="Answered"/>) or did not answer. The message names the step and status, never a token or code.</summary>
public sealed class ProviderCallException(string message, bool answered) : Exception(message)
{
    public bool Answered { get; } = answered;
}

/// <summary>
/// Bearer JSON calls to provider APIs with a tenant's access token (token endpoints are <see cref="OAuthTokenClient"/>).
/// Tokens travel in headers only, never in a URL, and no request or answer body is logged (the client has no loggers).
/// </summary>
public sealed class ProviderApiClient(HttpClient http)
{
    public Task<JsonElement> GetAsync(string url, string accessToken, CancellationToken cancellationToken) =>
        SendAsync(Bearer(HttpMethod.Get, url, accessToken, null), url, cancellationToken);

    public Task<JsonElement> PostJsonAsync(string url, string accessToken, object body, CancellationToken cancellationToken) =>
        SendAsync(Bearer(HttpMethod.Post, url, accessToken, JsonContent.Create(body)), url, cancellationToken);

    /// <summary>
    /// A bearer call with an optional JSON body and extra headers (an API version); throws <see cref="ProviderCallException"/> like the
    /// others. Its answer may be <c>default</c> (no body).
    /// </summary>
    public Task<JsonElement> SendAsync(HttpMethod method, string url, string accessToken, object? body, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = Bearer(method, url, accessToken, body is null ? null : JsonContent.Create(body));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return SendAsync(request, url, cancellationToken);
    }

    /// <summary>Undoing a side effect: best effort, false when the provider did not confirm.</summary>
    public async Task<bool> TrySendAsync(HttpMethod method, string url, string accessToken, object? body, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(method, url, accessToken, body, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ProviderCallException)
        {
            return false;
        }
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string url, string accessToken, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        // Name the endpoint by its path only: a query could carry a token.
        var where = Uri.TryCreate(what, UriKind.Absolute, out var uri) ? uri.AbsolutePath : what;
        HttpResponseMessage response;
        try
        {
            using (request) response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ProviderCallException($"The provider did not answer at {where}.", answered: false);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                throw new ProviderCallException($"The provider answered HTTP {status} at {where}.", answered: status < 500 && status != 429);
            if (response.Content.Headers.ContentLength == 0 || status == 204) return default;
            try
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new ProviderCallException($"The provider's answer at {where} was not JSON.", answered: true);
            }
        }
    }

    /// <summary>A non-empty string property, or null.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>Seconds or milliseconds as providers send them: a number or a numeric string.</summary>
    public static long? Seconds(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
