using System.Globalization;
using System.Text.Json;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;

namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// Telegram deliveries: one URL per bot (<c>/webhooks/telegram/{key}/</c>), each carrying the secret_token we gave
/// setWebhook in <c>X-Telegram-Bot-Api-Secret-Token</c>. One update per delivery, deduplicated by update_id.
/// </summary>
public sealed class TelegramWebhookReceiver(IntegrationCache cache) : IWebhookReceiver
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public string Endpoint => TelegramModule.TypeSlug;

    public async Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        // Unknown key and wrong secret get the same answer: neither tells which bots exist.
        var routeKey = TableKeys.IsUrlSafeToken(delivery.Key) ? TelegramModule.RouteKey(delivery.Key!) : null;
        var route = routeKey is null ? null : await cache.RouteAsync(routeKey, cancellationToken).ConfigureAwait(false);
        var integration = route is null ? null : await cache.IntegrationAsync(route, cancellationToken).ConfigureAwait(false);
        var expected = await cache.WebhookSecretAsync(integration, TelegramBot.SecretName, cancellationToken).ConfigureAwait(false);
        if (expected is null || !Signatures.TextMatches(expected, delivery.Header(SecretHeader)))
        {
            throw WebhookRejected.Unauthorized($"The {SecretHeader} header does not match this webhook.");
        }
        return Parse(delivery.Body) is { } message ? new WebhookReading([new DeliveredMessage(routeKey!, message)], [], []) : WebhookReading.Nothing;
    }

    /// <summary>The customer message of an update; null for other updates (edits, joins, callbacks).</summary>
    public static IncomingMessage? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var update = document.RootElement;
            var updateId = update.GetProperty("update_id").GetInt64();
            if (!update.TryGetProperty("message", out var message)) return null;
            var text = message.TryGetProperty("text", out var t) ? t.GetString()
                : message.TryGetProperty("caption", out var c) ? c.GetString() : null;
            return new IncomingMessage(
                TelegramModule.TypeSlug,
                updateId.ToString(CultureInfo.InvariantCulture),
                message.GetProperty("chat").GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
                text ?? "",
                DateTimeOffset.FromUnixTimeSeconds(message.GetProperty("date").GetInt64()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Telegram update: update_id and message.chat.id, message.date are required.");
        }
    }
}
