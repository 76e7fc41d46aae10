using Microsoft.Extensions.Configuration;

namespace Spheres.Core.Configuration;

/// <summary>
/// Every provider's REST base URL: the configured one (tests and local runs point them at fakes on
/// loopback), else the provider's real one. One table, so a default is never written twice.
/// </summary>
public static class ProviderEndpoints
{
    private static readonly Dictionary<string, string> RealBaseUrls = new(StringComparer.Ordinal)
    {
        [SettingNames.TelegramApiBaseUrl] = "https://api.telegram.org",
        [SettingNames.MetaGraphApiBaseUrl] = "https://graph.facebook.com/v21.0",
        [SettingNames.GoogleApiBaseUrl] = "https://www.googleapis.com",
        [SettingNames.ZoomApiBaseUrl] = "https://api.zoom.us/v2",
        [SettingNames.CalendlyApiBaseUrl] = "https://api.calendly.com",
        [SettingNames.SquareApiBaseUrl] = "https://connect.squareup.com",
    };

    /// <summary>The base URL under <paramref name="setting"/>, without a trailing slash.</summary>
    public static string BaseUrl(this IConfiguration configuration, string setting) =>
        (configuration[setting] is { Length: > 0 } configured ? configured : RealBaseUrls[setting]).TrimEnd('/');
}
