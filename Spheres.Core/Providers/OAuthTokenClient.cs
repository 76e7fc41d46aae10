using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Spheres.Core.Providers;

/// <summary>The provider refused the refresh token for good (<c>invalid_grant</c>): the owner must connect again.</summary>
public sealed class OAuthGrantRevokedException(string provider) : Exception($"{provider} answered invalid_grant.");

/// <summary>The provider did not answer, or answered something we cannot use now; the next run tries again.</summary>
public sealed class OAuthTransientException(string message) : Exception(message);

/// <summary>
/// Every request to a provider's token and revocation endpoints (code exchange, Meta's long-lived exchange, refresh,
/// revocation), authenticated as the provider's descriptor says (HTTP Basic, client_id/client_secret in the form, or both
/// in a JSON body). Tokens travel in bodies only, never in a URL, and no request or answer is logged: they carry tokens.
/// </summary>
public sealed class OAuthTokenClient(HttpClient http, IOptionsMonitor<OAuthClientOptions> clients, TimeProvider time)
{
    /// <summary>Our client at <paramref name="provider"/> as configured.</summary>
    public OAuthClientOptions ClientOf(OAuthProvider provider) => clients.Get(provider.Name);

    /// <summary>
    /// A grant other than refresh (<c>authorization_code</c> with its verifier, Meta's <c>fb_exchange_token</c>).
    /// Throws <see cref="ProviderCallException"/> (answered or not) when no access token comes back.
    /// </summary>
    public async Task<OAuthTokens> ExchangeAsync(OAuthProvider provider, IEnumerable<KeyValuePair<string, string>> grant, CancellationToken cancellationToken)
    {
        var client = ClientOf(provider);
        var (clientId, clientSecret) = provider.Client(client);
        using var request = AuthenticatedPost(provider, provider.TokenEndpoint(client), clientId, clientSecret,
            grant.ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal));
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(provider, request, cancellationToken).ConfigureAwait(false);
        }
        catch (OAuthTransientException e)
        {
            throw new ProviderCallException(e.Message, answered: false);
        }
        using (response)
        {
            var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode || json.ValueKind != JsonValueKind.Object || Text(json, "access_token") is not { } accessToken)
            {
                throw new ProviderCallException($"{provider.Name} token endpoint answered HTTP {status} without an access_token.",
                    answered: status < 500 && status != 429);
            }
            return new OAuthTokens(accessToken, Text(json, "refresh_token"), ExpiresAt(json));
        }
    }

    /// <summary>
    /// <c>grant_type=refresh_token</c>. Throws <see cref="OAuthGrantRevokedException"/> for <c>invalid_grant</c>,
    /// <see cref="OAuthTransientException"/> for anything else that is not new tokens.
    /// </summary>
    public async Task<OAuthTokens> RefreshAsync(OAuthProvider provider, string refreshToken, CancellationToken cancellationToken)
    {
        var client = ClientOf(provider);
        var (clientId, clientSecret) = provider.Client(client);
        using var request = AuthenticatedPost(provider, provider.TokenEndpoint(client), clientId, clientSecret,
            new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });
        using var response = await SendAsync(provider, request, cancellationToken).ConfigureAwait(false);
        var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is 400 or 401 && json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString() == "invalid_grant")
        {
            throw new OAuthGrantRevokedException(provider.Name);
        }
        if (!response.IsSuccessStatusCode || json.ValueKind != JsonValueKind.Object
            || Text(json, "access_token") is not { } accessToken)
        {
            throw new OAuthTransientException($"{provider.Name} token endpoint answered HTTP {status} without new tokens.");
        }
        return new OAuthTokens(accessToken, Text(json, "refresh_token"), ExpiresAt(json));
    }

    /// <summary>
    /// Revokes <paramref name="token"/> at the provider in its <see cref="RevocationStyle"/>.
    /// False when the provider offers no revocation. Throws <see cref="OAuthTransientException"/> when it did not confirm.
    /// </summary>
    public async Task<bool> RevokeAsync(OAuthProvider provider, string token, CancellationToken cancellationToken)
    {
        var client = ClientOf(provider);
        if (provider.RevokeEndpoint(client) is not { } url) return false;
        var (clientId, clientSecret) = provider.Client(client);
        HttpRequestMessage request;
        if (provider.Revocation == RevocationStyle.ClientHeaderJson)
        {
            request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { client_id = clientId, access_token = token }) };
            request.Headers.TryAddWithoutValidation("Authorization", "Client " + clientSecret);
        }
        else if (provider.Revocation == RevocationStyle.GraphPermissions)
        {
            // The token in a header, never in the URL Graph's examples put it in.
            request = new HttpRequestMessage(HttpMethod.Delete, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (provider.Revocation == RevocationStyle.TokenForm)
        {
            request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent([new("token", token)]) };
        }
        else
        {
            request = AuthenticatedPost(provider, url, clientId, clientSecret, new Dictionary<string, string> { ["token"] = token });
        }
        using (request)
        using (var response = await SendAsync(provider, request, cancellationToken).ConfigureAwait(false))
        {
            var status = (int)response.StatusCode;
            // 400 at Google and RFC 7009 providers: the token is already invalid, which is what we wanted.
            if (response.IsSuccessStatusCode || status == 400) return true;
            throw new OAuthTransientException($"{provider.Name} revocation answered HTTP {status}.");
        }
    }

    private static HttpRequestMessage AuthenticatedPost(OAuthProvider provider, string url, string clientId, string clientSecret,
        Dictionary<string, string> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (provider.ClientAuthentication == ClientAuthentication.JsonBody)
        {
            // Square's token endpoint takes JSON with the client credentials in the body.
            var body = new Dictionary<string, string>(fields) { ["client_id"] = clientId, ["client_secret"] = clientSecret };
            request.Content = JsonContent.Create(body);
            return request;
        }
        if (provider.ClientAuthentication == ClientAuthentication.Basic)
        {
            // RFC 6749 §2.3.1: each part form-encoded before joining.
            var pair = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            fields["client_id"] = clientId;
            fields["client_secret"] = clientSecret;
        }
        request.Content = new FormUrlEncodedContent(fields);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(OAuthProvider provider, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            return await http.SendAsync(ProviderCallSpans.ForProvider(request, provider.Name), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new OAuthTransientException($"{provider.Name} did not answer.");
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return default;
        }
    }

    /// <summary><c>expires_in</c> seconds (RFC 6749), or Square's <c>expires_at</c>; null when the token does not expire.</summary>
    private DateTimeOffset? ExpiresAt(JsonElement json)
    {
        if (json.TryGetProperty("expires_in", out var seconds))
        {
            var value = seconds.ValueKind == JsonValueKind.Number && seconds.TryGetInt64(out var n) ? n
                : long.TryParse(seconds.ValueKind == JsonValueKind.String ? seconds.GetString() : null, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
                : -1;
            if (value is > 0 and < 10L * 365 * 24 * 3600) return time.GetUtcNow().AddSeconds(value);
        }
        return Text(json, "expires_at") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed : null;
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
