using System.Net.Http.Headers;
using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>The provider refused the credentials (<see cref="Answered"/>), or could not be reached, or did not name the account. Never carries a token.</summary>
public sealed class ProviderAccountException(string message, bool answered) : Exception(message)
{
    public bool Answered { get; } = answered;
}

/// <summary>
/// The calls that ask a provider who a tenant's token belongs to (Graph's <c>/me</c>, Zoom's and Calendly's
/// <c>/users/me</c>, Square's <c>/v2/merchants/me</c>). Every failure is a <see cref="ProviderAccountException"/>:
/// answered (the token is refused) or not (try again). Tokens travel in the Authorization header only, never in a URL,
/// and no request is logged.
/// </summary>
public sealed class AccountLookup(HttpClient http)
{
    public Task<JsonElement> GetAsync(string url, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, url, token, cancellationToken);

    public async Task<JsonElement> SendAsync(HttpMethod method, string url, string token, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ProviderAccountException($"The provider did not answer ({(e is OperationCanceledException ? "timed out" : "unreachable")}).", answered: false);
        }
        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new ProviderAccountException($"The provider answered HTTP {(int)response.StatusCode}.", answered: false);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new ProviderAccountException($"The provider refused the token (HTTP {(int)response.StatusCode}).", answered: true);
            }
            try
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new ProviderAccountException("The provider's answer was not JSON.", answered: true);
            }
        }
    }

    /// <summary>A non-empty string at <paramref name="path"/>, or a refusal saying the provider did not name the account.</summary>
    public static string Text(JsonElement root, params string[] path)
    {
        var node = root;
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
                throw new ProviderAccountException($"The provider did not name the account ({string.Join('.', path)} missing).", answered: true);
        }
        return node.ValueKind == JsonValueKind.String && node.GetString() is { Length: > 0 } text ? text
            : throw new ProviderAccountException($"The provider did not name the account ({string.Join('.', path)} empty).", answered: true);
    }
}
