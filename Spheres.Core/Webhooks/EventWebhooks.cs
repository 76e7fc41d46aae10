using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;

namespace Spheres.Core.Webhooks;

/// <summary>What a verified event delivery led to.</summary>
public enum EventOutcome { Stored, Repeat, Ignored }

/// <summary>
/// Calendly, Zoom, Square and Google Calendar deliveries: verified per provider (CATALOG.md),
/// routed to the tenant by the account id claimed at activation, stored once as integration events.
/// </summary>
public sealed class EventWebhooks(
    IConfiguration configuration, IntegrationDirectory directory, IntegrationEventStore events, TimeProvider time, ILogger<EventWebhooks> logger)
{
    public static readonly TimeSpan CalendlyTolerance = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan ZoomTolerance = TimeSpan.FromMinutes(5);

    public async Task<EventOutcome> CalendlyAsync(string? signatureHeader, byte[] body, CancellationToken cancellationToken)
    {
        var key = Required(SettingNames.CalendlySigningKey);
        if (ParseCalendlySignature(signatureHeader) is not var (t, v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !Signatures.HexMatches(Signatures.HmacSha256(key, t + ".", body), v1))
        {
            throw WebhookRejected.Unauthorized("Calendly-Webhook-Signature is missing or does not match the body.");
        }
        if (!WithinReplayWindow(seconds, CalendlyTolerance))
        {
            throw WebhookRejected.Unauthorized("Calendly-Webhook-Signature is more than 3 minutes old: a replay is refused.");
        }
        return await ParseAndStoreAsync("calendly", body, root =>
        {
            var name = root.RequiredText("event");
            var payload = root.GetProperty("payload");
            var eventId = name + "|" + (payload.TryGetProperty("uri", out var uri) ? uri.GetString() : root.GetProperty("created_at").GetString());
            var kind = name switch { "invitee.created" => "booking_created", "invitee.canceled" => "booking_cancelled", _ => name };
            return (WebhookRoutes.AccountKey("calendly", root.RequiredText("created_by")), eventId, kind,
                root.GetProperty("created_at").GetDateTimeOffset());
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Zoom's URL validation: prove we hold the secret by signing the plain token.</summary>
    public static object? ZoomValidation(byte[] body, string secret)
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

    /// <summary>Returns the validation answer for <c>endpoint.url_validation</c>, else null after storing the event.</summary>
    public async Task<(object? Validation, EventOutcome Outcome)> ZoomAsync(string? signature, string? timestamp, byte[] body, CancellationToken cancellationToken)
    {
        var secret = Required(SettingNames.ZoomWebhookSecret);
        const string prefix = "v0=";
        if (timestamp is null || signature is null || !signature.StartsWith(prefix, StringComparison.Ordinal)
            || !Signatures.HexMatches(Signatures.HmacSha256(secret, $"v0:{timestamp}:", body), signature[prefix.Length..]))
        {
            throw WebhookRejected.Unauthorized("x-zm-signature is missing or does not match v0:{timestamp}:{body}.");
        }
        // Zoom's timestamp is in seconds (milliseconds in some deliveries); either way it must be recent.
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp)
            || !WithinReplayWindow(stamp > 100_000_000_000 ? stamp / 1000 : stamp, ZoomTolerance))
        {
            throw WebhookRejected.Unauthorized("x-zm-request-timestamp is more than 5 minutes old: a replay is refused.");
        }
        try
        {
            if (ZoomValidation(body, secret) is { } validation) return (validation, EventOutcome.Ignored);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Zoom event.");
        }
        var outcome = await ParseAndStoreAsync("zoom", body, root =>
        {
            var name = root.RequiredText("event");
            var payload = root.GetProperty("payload");
            var meeting = payload.TryGetProperty("object", out var o) && o.TryGetProperty("uuid", out var uuid) ? uuid.GetString() : "";
            var at = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("event_ts").GetInt64());
            var kind = name switch { "meeting.started" => "meeting_started", "meeting.ended" => "meeting_ended", _ => name };
            return (WebhookRoutes.AccountKey("zoom", payload.RequiredText("account_id")),
                $"{name}|{meeting}|{root.GetProperty("event_ts").GetInt64()}", kind, at);
        }, cancellationToken).ConfigureAwait(false);
        return (null, outcome);
    }

    /// <summary>Square signs the notification URL it was given followed by the body.</summary>
    public async Task<EventOutcome> SquareAsync(string? signature, byte[] body, CancellationToken cancellationToken)
    {
        var key = Required(SettingNames.SquareSignatureKey);
        var url = (configuration[SettingNames.PublicBaseUrl] ?? "").TrimEnd('/') + "/api/webhooks/square/";
        if (!Signatures.Base64Matches(Signatures.HmacSha256(key, url, body), signature))
        {
            throw WebhookRejected.Unauthorized("x-square-hmacsha256-signature does not match the notification URL and body.");
        }
        return await ParseAndStoreAsync("square", body, root =>
        {
            var type = root.RequiredText("type");
            var kind = type switch { "booking.created" => "booking_created", "booking.updated" => "booking_updated", _ => type };
            return (WebhookRoutes.AccountKey("square-appointments", root.RequiredText("merchant_id")),
                root.RequiredText("event_id"), kind, root.GetProperty("created_at").GetDateTimeOffset());
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Google Calendar push: no body; our channel id routes, our channel token verifies. <c>sync</c> is the handshake.</summary>
    public async Task<EventOutcome> GoogleCalendarAsync(
        string? channelId, string? channelToken, string? resourceState, string? messageNumber, CancellationToken cancellationToken)
    {
        var route = TableKeys.IsUrlSafeToken(channelId)
            ? await directory.RouteAsync(WebhookRoutes.GoogleChannelKey(channelId!), cancellationToken).ConfigureAwait(false)
            : null;
        var integration = route is null ? null : await directory.IntegrationAsync(route, cancellationToken).ConfigureAwait(false);
        var expected = await directory.WebhookSecretAsync(integration, "channel_token", cancellationToken).ConfigureAwait(false);
        // A channel being renewed (OAuth/GooglePushRenewal) is verified by its own token until the row switches to it.
        if (integration?.WebhookSecretRef is { } reference && await directory.SecretAsync(reference, cancellationToken).ConfigureAwait(false) is { } secrets
            && secrets.GetValueOrDefault(OAuth.GooglePushRenewal.PendingChannelId) == channelId)
        {
            expected = secrets.GetValueOrDefault(OAuth.GooglePushRenewal.PendingChannelToken);
        }
        if (expected is null || !Signatures.TextMatches(expected, channelToken))
        {
            throw WebhookRejected.Unauthorized("X-Goog-Channel-ID and X-Goog-Channel-Token do not name a channel of ours.");
        }
        if (resourceState == "sync") return EventOutcome.Ignored;
        var stored = await events.TryStoreAsync(new IntegrationEvent(route!.TenantId, route.IntegrationId, "google-calendar",
            $"{channelId}|{messageNumber}", "calendar_changed", time.GetUtcNow(),
            JsonSerializer.Serialize(new { resource_state = resourceState, message_number = messageNumber })), cancellationToken).ConfigureAwait(false);
        return stored ? EventOutcome.Stored : EventOutcome.Repeat;
    }

    private async Task<EventOutcome> ParseAndStoreAsync(
        string provider, byte[] body, Func<JsonElement, (string RouteKey, string EventId, string Kind, DateTimeOffset At)> read,
        CancellationToken cancellationToken)
    {
        (string RouteKey, string EventId, string Kind, DateTimeOffset At) parsed;
        string payload;
        try
        {
            using var document = JsonDocument.Parse(body);
            parsed = read(document.RootElement);
            payload = document.RootElement.GetRawText();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed($"This is not a {provider} event in the documented shape.");
        }
        var route = await directory.RouteAsync(parsed.RouteKey, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            logger.LogWarning("{Provider} event for an account nobody connected ({RouteKey}) ignored", provider, parsed.RouteKey);
            return EventOutcome.Ignored;
        }
        var stored = await events.TryStoreAsync(
            new IntegrationEvent(route.TenantId, route.IntegrationId, provider, parsed.EventId, parsed.Kind, parsed.At, payload), cancellationToken)
            .ConfigureAwait(false);
        return stored ? EventOutcome.Stored : EventOutcome.Repeat;
    }

    /// <summary><c>t=…,v1=…</c> with each part exactly once; null for anything else.</summary>
    private static (string T, string V1)? ParseCalendlySignature(string? header)
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

    private bool WithinReplayWindow(long unixSeconds, TimeSpan tolerance) =>
        unixSeconds is > 0 and < 253_402_300_799 // DateTimeOffset's range
        && (time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).Duration() <= tolerance;

    private string Required(string setting) => ConfiguredSecrets.Require(configuration, setting);
}
