using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Zoom;

/// <summary>
/// Zoom deliveries: <c>x-zm-signature</c> is <c>v0=</c> HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> with the webhook secret
/// token, the timestamp within 5 minutes; <c>endpoint.url_validation</c> is answered by signing its plain token.
/// </summary>
public sealed class ZoomWebhookReceiver(IOptions<ZoomOptions> options, TimeProvider time) : IWebhookReceiver
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public string Endpoint => ZoomModule.TypeSlug;

    public Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var secret = ConfiguredSecrets.Require(options.Value.WebhookSecret, SettingNames.ZoomWebhookSecret);
        const string prefix = "v0=";
        var signature = delivery.Header("x-zm-signature");
        var timestamp = delivery.Header("x-zm-request-timestamp");
        if (timestamp is null || signature is null || !signature.StartsWith(prefix, StringComparison.Ordinal)
            || !Signatures.HexMatches(Signatures.HmacSha256(secret, $"v0:{timestamp}:", delivery.Body), signature[prefix.Length..]))
        {
            throw WebhookRejected.Unauthorized("x-zm-signature is missing or does not match v0:{timestamp}:{body}.");
        }
        // Zoom's timestamp is in seconds (milliseconds in some deliveries); either way it must be recent.
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp)
            || !EventPayloads.WithinReplayWindow(time.GetUtcNow(), stamp > 100_000_000_000 ? stamp / 1000 : stamp, Tolerance))
        {
            throw WebhookRejected.Unauthorized("x-zm-request-timestamp is more than 5 minutes old: a replay is refused.");
        }
        try
        {
            if (Validation(delivery.Body, secret) is { } validation) return Task.FromResult(WebhookReading.Nothing with { Answer = validation });
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Zoom event.");
        }
        return Task.FromResult(WebhookReading.Of(EventPayloads.Read(ZoomModule.TypeSlug, delivery.Body, root =>
        {
            var name = root.RequiredText("event");
            var payload = root.GetProperty("payload");
            var meeting = payload.TryGetProperty("object", out var o) && o.TryGetProperty("uuid", out var uuid) ? uuid.GetString() : "";
            var at = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("event_ts").GetInt64());
            var kind = name switch { "meeting.started" => "meeting_started", "meeting.ended" => "meeting_ended", _ => name };
            return (WebhookRoutes.AccountKey(ZoomModule.TypeSlug, payload.RequiredText("account_id")),
                $"{name}|{meeting}|{root.GetProperty("event_ts").GetInt64()}", kind, at);
        })));
    }

    /// <summary>Zoom's URL validation: prove we hold the secret by signing the plain token.</summary>
    public static object? Validation(byte[] body, string secret)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.GetProperty("event").GetString() != "endpoint.url_validation") return null;
        var plainToken = document.RootElement.GetProperty("payload").RequiredText("plainToken");
        return new Dictionary<string, string>
        {
            ["plainToken"] = plainToken,
            ["encryptedToken"] = Convert.ToHexStringLower(Signatures.HmacSha256(secret, Encoding.UTF8.GetBytes(plainToken))),
        };
    }
}
