using System.Text.Json;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Google Calendar push: no body; our channel id (<c>X-Goog-Channel-ID</c>) routes, our channel token
/// (<c>X-Goog-Channel-Token</c>) verifies. <c>sync</c> is the handshake that starts a channel.
/// </summary>
public sealed class GoogleCalendarWebhookReceiver(IntegrationCache cache, TimeProvider time) : IWebhookReceiver
{
    public string Endpoint => GoogleModule.Calendar;

    public async Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var channelId = delivery.Header("X-Goog-Channel-ID");
        var routeKey = TableKeys.IsUrlSafeToken(channelId) ? GoogleModule.ChannelRouteKey(channelId!) : null;
        var route = routeKey is null ? null : await cache.RouteAsync(routeKey, cancellationToken).ConfigureAwait(false);
        var integration = route is null ? null : await cache.IntegrationAsync(route, cancellationToken).ConfigureAwait(false);
        var expected = await cache.WebhookSecretAsync(integration, GoogleCalendarPush.ChannelToken, cancellationToken).ConfigureAwait(false);
        // A channel being renewed is verified by its own token until the row switches to it.
        if (integration?.WebhookSecretRef is { } reference && await cache.SecretAsync(reference, cancellationToken).ConfigureAwait(false) is { } secrets
            && secrets.GetValueOrDefault(GoogleCalendarPush.PendingChannelId) == channelId)
        {
            expected = secrets.GetValueOrDefault(GoogleCalendarPush.PendingChannelToken);
        }
        if (expected is null || !Signatures.TextMatches(expected, delivery.Header("X-Goog-Channel-Token")))
        {
            throw WebhookRejected.Unauthorized("X-Goog-Channel-ID and X-Goog-Channel-Token do not name a channel of ours.");
        }
        var resourceState = delivery.Header("X-Goog-Resource-State");
        if (resourceState == "sync") return WebhookReading.Nothing;
        var messageNumber = delivery.Header("X-Goog-Message-Number");
        return WebhookReading.Of(new DeliveredEvent(routeKey!, GoogleModule.Calendar, $"{channelId}|{messageNumber}", "calendar_changed", time.GetUtcNow(),
            JsonSerializer.Serialize(new { resource_state = resourceState, message_number = messageNumber })));
    }
}
