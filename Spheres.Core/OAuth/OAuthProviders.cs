using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.OAuth;

/// <summary>How the token endpoint learns who we are: HTTP Basic, or client_id/client_secret as form fields.</summary>
public enum ClientAuthentication { Basic, FormPost }

/// <summary>
/// One OAuth provider as API.md names it: its callback name (<c>google</c>), its configuration section
/// (<c>Spheres:OAuth:Google:*</c>), its real endpoints (overridable by configuration so tests and local
/// runs use fakes on loopback), whether it accepts PKCE S256, and how a client authenticates.
/// </summary>
public sealed record OAuthProvider(
    string Name,
    string Section,
    string AuthorizeUrl,
    string TokenUrl,
    string? RevokeUrl,
    bool SupportsPkce,
    ClientAuthentication ClientAuthentication)
{
    public string ClientIdSetting => $"Spheres:OAuth:{Section}:ClientId";
    public string ClientSecretSetting => $"Spheres:OAuth:{Section}:ClientSecret";
    public string AuthorizeUrlSetting => $"Spheres:OAuth:{Section}:AuthorizeUrl";
    public string TokenUrlSetting => $"Spheres:OAuth:{Section}:TokenUrl";
    public string RevokeUrlSetting => $"Spheres:OAuth:{Section}:RevokeUrl";

    /// <summary>The configured endpoint, else the provider's real one.</summary>
    public string AuthorizeEndpoint(IConfiguration configuration) => Configured(configuration, AuthorizeUrlSetting) ?? AuthorizeUrl;

    public string TokenEndpoint(IConfiguration configuration) => Configured(configuration, TokenUrlSetting) ?? TokenUrl;

    /// <summary>Null where the provider offers no revocation endpoint (Meta: <c>DELETE /me/permissions</c> instead).</summary>
    public string? RevokeEndpoint(IConfiguration configuration) => Configured(configuration, RevokeUrlSetting) ?? RevokeUrl;

    /// <summary>Our client id and secret; 503 <c>not-configured</c> when either is missing or an unresolved Key Vault reference.</summary>
    public (string ClientId, string ClientSecret) Client(IConfiguration configuration) =>
        (ConfiguredSecrets.Require(configuration, ClientIdSetting), ConfiguredSecrets.Require(configuration, ClientSecretSetting));

    private static string? Configured(IConfiguration configuration, string setting) =>
        configuration[setting] is { Length: > 0 } value ? value : null;
}

/// <summary>The six providers of API.md and the least-privilege scopes each OAuth integration type asks for.</summary>
public static class OAuthProviders
{
    public static readonly OAuthProvider Google = new("google", "Google",
        "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/revoke",
        SupportsPkce: true, ClientAuthentication.FormPost);

    public static readonly OAuthProvider Meta = new("meta", "Meta",
        "https://www.facebook.com/v21.0/dialog/oauth", "https://graph.facebook.com/v21.0/oauth/access_token", RevokeUrl: null,
        SupportsPkce: false, ClientAuthentication.FormPost);

    public static readonly OAuthProvider Zoom = new("zoom", "Zoom",
        "https://zoom.us/oauth/authorize", "https://zoom.us/oauth/token", "https://zoom.us/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic);

    public static readonly OAuthProvider Calendly = new("calendly", "Calendly",
        "https://auth.calendly.com/oauth/authorize", "https://auth.calendly.com/oauth/token", "https://auth.calendly.com/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic);

    // Square's PKCE flow is for public clients (its refresh tokens then expire); a server with a secret uses the code flow.
    public static readonly OAuthProvider Square = new("square", "Square",
        "https://connect.squareup.com/oauth2/authorize", "https://connect.squareup.com/oauth2/token", "https://connect.squareup.com/oauth2/revoke",
        SupportsPkce: false, ClientAuthentication.FormPost);

    public static readonly OAuthProvider Zocdoc = new("zocdoc", "Zocdoc",
        "https://auth.zocdoc.com/oauth/authorize", "https://auth.zocdoc.com/oauth/token", "https://auth.zocdoc.com/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic);

    public static IReadOnlyList<OAuthProvider> All { get; } = [Google, Meta, Zoom, Calendly, Square, Zocdoc];

    /// <summary>The provider a callback path names (<c>/api/oauth/{provider}/callback/</c>); null for anything else.</summary>
    public static OAuthProvider? Named(string? name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// Least privilege per type: only what the integration does. Google types share the identity scopes
    /// (<c>openid email</c>) so the callback can read the account's email from userinfo.
    /// </summary>
    private static readonly Dictionary<string, (OAuthProvider Provider, string[] Scopes)> ByType = new(StringComparer.Ordinal)
    {
        ["google-calendar"] = (Google, ["openid", "email", "https://www.googleapis.com/auth/calendar.events"]),
        // Meet links are created as conference data on Calendar events.
        ["google-meet"] = (Google, ["openid", "email", "https://www.googleapis.com/auth/calendar.events"]),
        ["google-sheets"] = (Google, ["openid", "email", "https://www.googleapis.com/auth/spreadsheets"]),
        ["gmail"] = (Google, ["openid", "email", "https://www.googleapis.com/auth/gmail.modify"]),
        ["facebook-messenger"] = (Meta, ["pages_show_list", "pages_messaging", "pages_manage_metadata"]),
        ["instagram"] = (Meta, ["pages_show_list", "instagram_basic", "instagram_manage_messages", "pages_manage_metadata"]),
        ["whatsapp"] = (Meta, ["business_management", "whatsapp_business_management", "whatsapp_business_messaging"]),
        ["zoom"] = (Zoom, ["user:read:user", "meeting:read:meeting", "meeting:write:meeting"]),
        ["calendly"] = (Calendly, ["default"]),
        ["square-appointments"] = (Square, ["MERCHANT_PROFILE_READ", "APPOINTMENTS_READ", "APPOINTMENTS_WRITE", "APPOINTMENTS_BUSINESS_SETTINGS_READ"]),
        ["zocdoc"] = (Zocdoc, ["appointments.read", "appointments.write"]),
    };

    /// <summary>The provider and scopes of an OAuth integration type; null for a type connected otherwise.</summary>
    public static (OAuthProvider Provider, IReadOnlyList<string> Scopes)? ForType(string typeSlug) =>
        ByType.TryGetValue(typeSlug, out var entry) ? (entry.Provider, entry.Scopes) : null;

    /// <summary>True when <paramref name="requirement"/> is connected by consent.</summary>
    public static bool IsOAuth(ConnectionRequirement requirement) => ForType(requirement.TypeSlug) is not null;
}
