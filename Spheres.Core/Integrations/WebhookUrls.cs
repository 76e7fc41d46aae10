using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;

namespace Spheres.Core.Integrations;

/// <summary>The URLs providers post to: <c>{PublicBaseUrl}/api/webhooks/</c> and the path the type's provider module declares.</summary>
public sealed class WebhookUrls(ConnectionRequirements requirements, IOptions<PublicUrlOptions> urls)
{
    /// <summary>Where this integration's provider delivers; null for types we take no webhooks from.</summary>
    public string? For(Integration integration) =>
        requirements.For(integration.TypeSlug).WebhookPath is { } path
            ? urls.Value.ApiBase + "/api/webhooks/" + path.Replace("{key}", integration.WebhookKey, StringComparison.Ordinal)
            : null;
}
