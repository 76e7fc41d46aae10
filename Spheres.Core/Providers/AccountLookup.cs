using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>The provider refused the credentials (<see cref="Answered"/>), or could not be reached, or did not name the account. Never carries a token.</summary>
public sealed class ProviderAccountException(string message, bool answered) : Exception(message)
{
    public bool Answered { get; } = answered;
}

/// <summary>
/// The calls that ask a provider who a tenant's token belongs to (Graph's <c>/me</c>, Zoom's and Calendly's
/// <c>/users/me</c>, Square's <c>/v2/merchants/me</c>), through <see cref="ProviderApiClient"/>. Every failure is a
/// <see cref="ProviderAccountException"/>: answered (the token is refused) or not (try again), so activation and consent
/// tell the owner which.
/// </summary>
public sealed class AccountLookup(ProviderApiClient api)
{
    public Task<JsonElement> GetAsync(string url, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, url, token, cancellationToken);

    public async Task<JsonElement> SendAsync(HttpMethod method, string url, string token, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        try
        {
            return await api.SendAsync(method, url, token, null, cancellationToken, headers).ConfigureAwait(false);
        }
        catch (ProviderCallException e)
        {
            throw new ProviderAccountException(e.Message, e.Answered);
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
