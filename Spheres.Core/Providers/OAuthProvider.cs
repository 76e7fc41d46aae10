using System.Globalization;
using Spheres.Core.Configuration;

namespace Spheres.Core.Providers;

/// <summary>How the token endpoint learns who we are: HTTP Basic, client_id/client_secret as form fields, or both in a JSON body.</summary>
public enum ClientAuthentication { Basic, FormPost, JsonBody }

/// <summary>
/// How a grant is revoked: RFC 7009 with client authentication; Google's <c>token=</c> form without it; Square's
/// <c>Authorization: Client {secret}</c> with a JSON body naming the access token; Meta's <c>DELETE /me/permissions</c> with
/// the user's own token (the app's whole authorization by that user); or not at all.
/// </summary>
public enum RevocationStyle { None, Rfc7009, TokenForm, ClientHeaderJson, GraphPermissions }

/// <summary>
/// One OAuth provider as API.md names it: its callback name (<c>google</c>), its configuration section
/// (<c>Spheres:OAuth:Google:*</c>), its real endpoints (overridable by configuration so tests and local runs use fakes on
/// loopback), whether it accepts PKCE S256, how a client authenticates and revokes, and what its authorize URL needs
/// besides the standard parameters. Each provider module declares its own.
/// </summary>
public sealed record OAuthProvider(
    string Name,
    string Section,
    string AuthorizeUrl,
    string TokenUrl,
    string? RevokeUrl,
    bool SupportsPkce,
    ClientAuthentication ClientAuthentication,
    RevocationStyle Revocation)
{
    /// <summary>
    /// False where the provider issues long-lived tokens without a refresh token (Meta): never refreshed, and not revoked on
    /// disconnect (one login's revocation would end the owner's other integrations of it); an unconfirmed grant still is.
    /// </summary>
    public bool IssuesRefreshTokens { get; init; } = true;

    /// <summary>Meta's dialog takes a comma-separated scope list; the others RFC 6749's space-separated one.</summary>
    public string ScopeSeparator { get; init; } = " ";

    /// <summary>Parameters the authorize URL needs beyond RFC 6749's (Google: offline access and a prompt, or no refresh token comes back).</summary>
    public IReadOnlyList<(string Name, string Value)> AuthorizeParameters { get; init; } = [];

    public string ConfigurationSection => $"Spheres:OAuth:{Section}";
    public string ClientIdSetting => $"{ConfigurationSection}:ClientId";
    public string ClientSecretSetting => $"{ConfigurationSection}:ClientSecret";
    public string AuthorizeUrlSetting => $"{ConfigurationSection}:AuthorizeUrl";
    public string TokenUrlSetting => $"{ConfigurationSection}:TokenUrl";
    public string RevokeUrlSetting => $"{ConfigurationSection}:RevokeUrl";

    /// <summary>The configured endpoint, else the provider's real one.</summary>
    public string AuthorizeEndpoint(OAuthClientOptions options) => Configured(options.AuthorizeUrl) ?? AuthorizeUrl;

    public string TokenEndpoint(OAuthClientOptions options) => Configured(options.TokenUrl) ?? TokenUrl;

    /// <summary>Null where the provider offers no revocation endpoint.</summary>
    public string? RevokeEndpoint(OAuthClientOptions options) => Revocation == RevocationStyle.None ? null : Configured(options.RevokeUrl) ?? RevokeUrl;

    /// <summary>Our client id and secret; 503 <c>not-configured</c> when either is missing or an unresolved Key Vault reference.</summary>
    public (string ClientId, string ClientSecret) Client(OAuthClientOptions options) =>
        (ConfiguredSecrets.Require(options.ClientId, ClientIdSetting), ConfiguredSecrets.Require(options.ClientSecret, ClientSecretSetting));

    public bool IsClientConfigured(OAuthClientOptions options) => ConfiguredSecrets.IsUsable(options.ClientId) && ConfiguredSecrets.IsUsable(options.ClientSecret);

    private static string? Configured(string? value) => value is { Length: > 0 } ? value : null;
}

/// <summary>Our client at one OAuth provider (<c>Spheres:OAuth:{Provider}:*</c>, named options by provider name); secrets from Key Vault.</summary>
public sealed class OAuthClientOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? AuthorizeUrl { get; set; }
    public string? TokenUrl { get; set; }
    public string? RevokeUrl { get; set; }
}

/// <summary>What a token endpoint answered: the access token, the refresh token if any, and when the access token expires.</summary>
public sealed record OAuthTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt)
{
    /// <summary>The vault's shape of OAuth credentials (CATALOG.md): <c>access_token</c>, <c>refresh_token</c>, <c>expires_at</c>.</summary>
    public IReadOnlyDictionary<string, string> ToCredentials()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["access_token"] = AccessToken };
        if (RefreshToken is not null) values["refresh_token"] = RefreshToken;
        if (ExpiresAt is { } expires) values["expires_at"] = expires.ToString("O", CultureInfo.InvariantCulture);
        return values;
    }
}
