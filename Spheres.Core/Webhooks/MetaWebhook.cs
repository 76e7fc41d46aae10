using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Messaging;
using Spheres.Core.Reviews;

namespace Spheres.Core.Webhooks;

/// <summary>
/// Meta's one app-level endpoint for Messenger (<c>object=page</c>), Instagram (<c>object=instagram</c>)
/// and WhatsApp (<c>object=whatsapp_business_account</c>). The whole body is signed with the app
/// secret; each entry is routed on its own by the account id claimed at activation, so one
/// delivery can carry messages of many tenants. Echoes and delivery statuses are acknowledged, not stored.
/// </summary>
public sealed class MetaWebhook(
    IConfiguration configuration, IntegrationDirectory directory, MessagePipeline pipeline, FacebookRatings ratings, ILogger<MetaWebhook> logger)
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>The subscription handshake: the challenge when the verify token matches, else 403.</summary>
    public string Verify(string? mode, string? verifyToken, string? challenge)
    {
        var expected = ConfiguredSecrets.Require(configuration, SettingNames.MetaVerifyToken);
        if (mode != "subscribe" || !Signatures.TextMatches(expected, verifyToken) || string.IsNullOrEmpty(challenge))
        {
            throw WebhookRejected.Forbidden("hub.mode must be subscribe and hub.verify_token must match the configured verify token.");
        }
        return challenge;
    }

    public async Task<IReadOnlyList<InboundMessage>> ReceiveAsync(string? signature, byte[] body, CancellationToken cancellationToken)
    {
        var secret = ConfiguredSecrets.Require(configuration, SettingNames.MetaAppSecret);
        const string prefix = "sha256=";
        if (signature is null || !signature.StartsWith(prefix, StringComparison.Ordinal)
            || !Signatures.HexMatches(Signatures.HmacSha256(secret, body), signature[prefix.Length..]))
        {
            throw WebhookRejected.Unauthorized($"{SignatureHeader} is missing or is not the HMAC-SHA256 of the body with the app secret.");
        }

        var stored = new List<InboundMessage>();
        foreach (var (routeKey, message) in Parse(body))
        {
            var route = await directory.RouteAsync(routeKey, cancellationToken).ConfigureAwait(false);
            if (route is null)
            {
                // Acknowledged so Meta stops retrying; nothing of ours is connected to that account.
                logger.LogWarning("Meta delivery for unknown account {RouteKey} ignored", routeKey);
                continue;
            }
            stored.Add(await pipeline.ProcessAsync(new RoutedMessage(route.TenantId, route.IntegrationId, message), cancellationToken)
                .ConfigureAwait(false));
        }
        await ratings.ReceiveAsync(body, cancellationToken).ConfigureAwait(false); // Page ratings become reviews
        return stored;
    }

    /// <summary>Every customer message in the delivery with the route key of its account.</summary>
    public static IReadOnlyList<(string RouteKey, IncomingMessage Message)> Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var kind = root.GetProperty("object").GetString();
            var messages = new List<(string, IncomingMessage)>();
            foreach (var entry in root.GetProperty("entry").EnumerateArray())
            {
                switch (kind)
                {
                    case "page" or "instagram":
                        ParseMessaging(kind == "page" ? "messenger" : "instagram", entry, messages);
                        break;
                    case "whatsapp_business_account":
                        ParseWhatsApp(entry, messages);
                        break;
                    default:
                        throw WebhookRejected.Malformed($"Unsupported object '{kind}'.");
                }
            }
            return messages;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Meta webhook delivery: object and entry[] are required, in the documented shape.");
        }
    }

    private static void ParseMessaging(string provider, JsonElement entry, List<(string, IncomingMessage)> messages)
    {
        var accountId = entry.RequiredText("id");
        if (!entry.TryGetProperty("messaging", out var events)) return;
        foreach (var item in events.EnumerateArray())
        {
            if (!item.TryGetProperty("message", out var message)) continue; // reads, deliveries, postbacks
            if (message.TryGetProperty("is_echo", out var echo) && echo.GetBoolean()) continue; // our own reply
            var routeKey = WebhookRoutes.AccountKey(provider == "messenger" ? "facebook-messenger" : provider, accountId);
            messages.Add((routeKey, new IncomingMessage(provider, message.RequiredText("mid"),
                item.GetProperty("sender").RequiredText("id"),
                message.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
                DateTimeOffset.FromUnixTimeMilliseconds(item.GetProperty("timestamp").GetInt64()))));
        }
    }

    private static void ParseWhatsApp(JsonElement entry, List<(string, IncomingMessage)> messages)
    {
        foreach (var change in entry.GetProperty("changes").EnumerateArray())
        {
            var value = change.GetProperty("value");
            if (!value.TryGetProperty("messages", out var items)) continue; // statuses only: sent, delivered, read
            var routeKey = WebhookRoutes.AccountKey("whatsapp", value.GetProperty("metadata").RequiredText("phone_number_id"));
            foreach (var message in items.EnumerateArray())
            {
                var text = message.TryGetProperty("text", out var t) ? t.GetProperty("body").GetString() ?? "" : "";
                messages.Add((routeKey, new IncomingMessage("whatsapp", message.RequiredText("id"),
                    message.RequiredText("from"), text,
                    DateTimeOffset.FromUnixTimeSeconds(long.Parse(message.RequiredText("timestamp"), CultureInfo.InvariantCulture)))));
            }
        }
    }
}
