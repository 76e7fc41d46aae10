namespace Spheres.Core.Configuration;

/// <summary>
/// The app's two public addresses (section <c>Spheres</c>): where providers and browsers reach this API
/// (<c>Spheres:PublicBaseUrl</c>) and the frontend that owners use (<c>Spheres:FrontendBaseUrl</c>).
/// </summary>
public sealed class PublicUrlOptions
{
    public const string Section = "Spheres";

    public string? PublicBaseUrl { get; set; }

    public string? FrontendBaseUrl { get; set; }

    /// <summary>Where providers post to, without a trailing slash; the local default when unset (webhook URLs are shown, not trusted).</summary>
    public string ApiBase => (PublicBaseUrl ?? "http://localhost:7071").TrimEnd('/');

    /// <summary>The configured public base URL without a trailing slash; 503 <c>not-configured</c> unless it is an absolute URL.</summary>
    public string RequirePublicBase() => Absolute(PublicBaseUrl) ?? throw ConfiguredSecrets.NotConfigured(SettingNames.PublicBaseUrl);

    /// <summary>The only place a browser is ever sent back to; 503 <c>not-configured</c> without it.</summary>
    public string RequireFrontend() => Absolute(FrontendBaseUrl) ?? throw ConfiguredSecrets.NotConfigured(SettingNames.FrontendBaseUrl);

    /// <summary>The frontend's base URL, or null when it is not an absolute URL (mail links are then not sent).</summary>
    public string? FrontendOrNull => Absolute(FrontendBaseUrl);

    private static string? Absolute(string? url) =>
        url is { Length: > 0 } && Uri.IsWellFormedUriString(url, UriKind.Absolute) ? url.TrimEnd('/') : null;
}
