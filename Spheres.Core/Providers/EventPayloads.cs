using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>Reading a scheduling or calendar provider's event, and the replay window its signed timestamp must fall in.</summary>
public static class EventPayloads
{
    /// <summary>The event <paramref name="read"/> finds in <paramref name="body"/>, stored whole as its payload; 400 when it is not in the documented shape.</summary>
    public static DeliveredEvent Read(string provider, byte[] body, Func<JsonElement, (string RouteKey, string EventId, string Kind, DateTimeOffset At)> read)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var (routeKey, eventId, kind, at) = read(document.RootElement);
            return new DeliveredEvent(routeKey, provider, eventId, kind, at, document.RootElement.GetRawText());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed($"This is not a {provider} event in the documented shape.");
        }
    }

    /// <summary>Whether a delivery signed at <paramref name="unixSeconds"/> is recent enough to be no replay.</summary>
    public static bool WithinReplayWindow(DateTimeOffset now, long unixSeconds, TimeSpan tolerance) =>
        unixSeconds is > 0 and < 253_402_300_799 // DateTimeOffset's range
        && (now - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).Duration() <= tolerance;
}
