using System.Text.Json;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Storage;

namespace Spheres.Core.Webhooks;

/// <summary>
/// Telegram deliveries: one URL per bot (<c>/webhooks/telegram/{key}/</c>), each carrying the
/// secret_token we gave setWebhook in <c>X-Telegram-Bot-Api-Secret-Token</c>. Deduplicated by update_id.
/// </summary>
public sealed class TelegramWebhook(IntegrationDirectory directory, MessagePipeline pipeline)
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>Verifies, parses and processes one update; returns the stored message, or null for updates that are not customer messages.</summary>
    public async Task<InboundMessage?> ReceiveAsync(string webhookKey, string? secretToken, byte[] body, CancellationToken cancellationToken)
    {
        // Unknown key and wrong secret get the same answer: neither tells which bots exist.
        var route = TableKeys.IsUrlSafeToken(webhookKey)
            ? await directory.RouteAsync(WebhookRoutes.TelegramKey(webhookKey), cancellationToken).ConfigureAwait(false)
            : null;
        var integration = route is null ? null : await directory.IntegrationAsync(route, cancellationToken).ConfigureAwait(false);
        var expected = await directory.WebhookSecretAsync(integration, "secret_token", cancellationToken).ConfigureAwait(false);
        if (expected is null || !Signatures.TextMatches(expected, secretToken))
        {
            throw WebhookRejected.Unauthorized($"The {SecretHeader} header does not match this webhook.");
        }

        var message = Parse(body);
        return message is null ? null : await pipeline.ProcessAsync(new RoutedMessage(route!.TenantId, route.IntegrationId, message), cancellationToken)
            .ConfigureAwait(false);
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
                "telegram",
                updateId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                message.GetProperty("chat").GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                text ?? "",
                DateTimeOffset.FromUnixTimeSeconds(message.GetProperty("date").GetInt64()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Telegram update: update_id and message.chat.id, message.date are required.");
        }
    }
}
