using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;

namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// Telegram deliveries: one URL per bot (<c>/webhooks/telegram/{key}/</c>), each carrying the secret_token we gave
/// setWebhook in <c>X-Telegram-Bot-Api-Secret-Token</c>. One update per delivery, read by <see cref="TelegramUpdates"/>.
/// </summary>
public sealed class TelegramWebhookReceiver(IntegrationCache cache, ILogger<TelegramWebhookReceiver> logger) : IWebhookReceiver
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
        using var document = PayloadFields.ParseObject(delivery.Body, "This is not a Telegram update: the body must be a JSON object.");
        var (message, changes) = TelegramUpdates.Read(document.RootElement);
        if (message is null && changes.Count == 0)
        {
            logger.LogDebug("Telegram update without a customer message skipped ({Kind})", UpdateKind(document.RootElement));
            return WebhookReading.Nothing;
        }
        return new WebhookReading(message is null ? [] : [new DeliveredMessage(routeKey!, message)], [], [])
        {
            Changes = changes.Select(change => new DeliveredChange(routeKey!, change)).ToList(),
        };
    }

    /// <summary>The kind of an update (its one field besides update_id), for the log; never its content.</summary>
    private static string UpdateKind(JsonElement update) =>
        update.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => name != "update_id") is { Length: <= 40 } kind
        && kind.All(c => char.IsAsciiLetterLower(c) || c == '_') ? kind : "unknown";
}
