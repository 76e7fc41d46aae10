using System.Globalization;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Calendly;

/// <summary>
/// Calendly deliveries: <c>Calendly-Webhook-Signature: t=…,v1=…</c>, v1 the hex HMAC-SHA256 of <c>{t}.{body}</c> with our
/// signing key, <c>t</c> within 3 minutes. Routed by the user (<c>created_by</c>) the consent routed.
/// </summary>
public sealed class CalendlyWebhookReceiver(IOptions<CalendlyOptions> options, TimeProvider time) : IWebhookReceiver
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(3);

    public string Endpoint => CalendlyModule.TypeSlug;

    public Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var key = ConfiguredSecrets.Require(options.Value.SigningKey, SettingNames.CalendlySigningKey);
        if (ParseSignature(delivery.Header("Calendly-Webhook-Signature")) is not var (t, v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !Signatures.HexMatches(Signatures.HmacSha256(key, t + ".", delivery.Body), v1))
        {
            throw WebhookRejected.Unauthorized("Calendly-Webhook-Signature is missing or does not match the body.");
        }
        if (!EventPayloads.WithinReplayWindow(time.GetUtcNow(), seconds, Tolerance))
        {
            throw WebhookRejected.Unauthorized("Calendly-Webhook-Signature is more than 3 minutes old: a replay is refused.");
        }
        return Task.FromResult(WebhookReading.Of(EventPayloads.Read(CalendlyModule.TypeSlug, delivery.Body, root =>
        {
            var name = root.RequiredText("event");
            var payload = root.GetProperty("payload");
            var eventId = name + "|" + (payload.TryGetProperty("uri", out var uri) ? uri.GetString() : root.GetProperty("created_at").GetString());
            var kind = name switch { "invitee.created" => "booking_created", "invitee.canceled" => "booking_cancelled", _ => name };
            return (WebhookRoutes.AccountKey(CalendlyModule.TypeSlug, root.RequiredText("created_by")), eventId, kind,
                root.GetProperty("created_at").GetDateTimeOffset());
        })));
    }

    /// <summary><c>t=…,v1=…</c> with each part exactly once; null for anything else.</summary>
    private static (string T, string V1)? ParseSignature(string? header)
    {
        string? t = null, v1 = null;
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2) return null;
            switch (pair[0])
            {
                case "t" when t is null: t = pair[1]; break;
                case "v1" when v1 is null: v1 = pair[1]; break;
                case "t" or "v1": return null; // repeated: ambiguous, refused
            }
        }
        return t is null || v1 is null ? null : (t, v1);
    }
}
