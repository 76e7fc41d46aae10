using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Meta's one app-level endpoint for Messenger (<c>object=page</c>), Instagram (<c>object=instagram</c>)
/// and WhatsApp (<c>object=whatsapp_business_account</c>). The whole body is signed with the app
/// secret; each entry is routed on its own by the account id claimed at activation, so one
/// delivery can carry messages of many tenants. Echoes and delivery statuses are acknowledged, not stored;
/// Page ratings with text come along as ratings (<see cref="MetaRatings"/>).
/// </summary>
public sealed class MetaWebhookReceiver(IOptions<MetaOptions> options) : IWebhookReceiver, IWebhookHandshake
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public string Endpoint => "meta";

    /// <summary>The subscription handshake: the challenge when the verify token matches, else 403.</summary>
    public string Answer(Func<string, string?> query)
    {
        var expected = ConfiguredSecrets.Require(options.Value.VerifyToken, SettingNames.MetaVerifyToken);
        var challenge = query("hub.challenge");
        if (query("hub.mode") != "subscribe" || !Signatures.TextMatches(expected, query("hub.verify_token")) || string.IsNullOrEmpty(challenge))
        {
            throw WebhookRejected.Forbidden("hub.mode must be subscribe and hub.verify_token must match the configured verify token.");
        }
        return challenge;
    }

    public Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var secret = ConfiguredSecrets.Require(options.Value.AppSecret, SettingNames.MetaAppSecret);
        const string prefix = "sha256=";
        var signature = delivery.Header(SignatureHeader);
        if (signature is null || !signature.StartsWith(prefix, StringComparison.Ordinal)
            || !Signatures.HexMatches(Signatures.HmacSha256(secret, delivery.Body), signature[prefix.Length..]))
        {
            throw WebhookRejected.Unauthorized($"{SignatureHeader} is missing or is not the HMAC-SHA256 of the body with the app secret.");
        }
        var messages = Parse(delivery.Body).Select(m => new DeliveredMessage(m.RouteKey, m.Message)).ToList();
        return Task.FromResult(new WebhookReading(messages, [], MetaRatings.Parse(delivery.Body)));
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
            var routeKey = WebhookRoutes.AccountKey(provider == "messenger" ? MetaModule.Messenger : provider, accountId);
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
            var routeKey = WebhookRoutes.AccountKey(MetaModule.WhatsApp, value.GetProperty("metadata").RequiredText("phone_number_id"));
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
