using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;

namespace Spheres.Core.Integrations;

/// <summary>The URLs providers post to, built from <c>Spheres:PublicBaseUrl</c>.</summary>
public sealed class WebhookUrls(IConfiguration configuration)
{
    private string BaseUrl => (configuration[SettingNames.PublicBaseUrl] ?? "http://localhost:7071").TrimEnd('/') + "/api/webhooks/";

    /// <summary>Where this integration's provider delivers; null for types we take no webhooks from.</summary>
    public string? For(Integration integration) => ConnectionRequirements.For(integration.TypeSlug).Webhooks switch
    {
        WebhookProvider.Telegram => BaseUrl + "telegram/" + integration.WebhookKey + "/",
        WebhookProvider.Meta => BaseUrl + "meta/",
        WebhookProvider.Calendly => BaseUrl + "calendly/",
        WebhookProvider.Zoom => BaseUrl + "zoom/",
        WebhookProvider.Square => BaseUrl + "square/",
        WebhookProvider.GoogleCalendar => BaseUrl + "google-calendar/",
        _ => null, // Gmail, SimplyBook, Znany Lekarz, Zocdoc: no intake endpoint yet
    };
}
