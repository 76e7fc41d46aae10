using System.Globalization;
using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>
/// Reading providers' JSON. <see cref="RequiredText"/> is for the fields a documented shape cannot lack (the delivery is
/// malformed without them); the <c>Optional…</c> readers answer null for an absent field or one of another JSON type, so
/// an event in an unexpected shape reads as "nothing there" instead of throwing.
/// </summary>
public static class PayloadFields
{
    /// <summary>The string at <paramref name="name"/>; <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/> otherwise.</summary>
    public static string RequiredText(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() is { Length: > 0 } text ? text : throw new InvalidOperationException($"{name} is empty.");

    /// <summary>A delivery's body as JSON; a 400 (<see cref="WebhookRejected.Malformed"/>) only when it is no JSON object at all.</summary>
    public static JsonDocument ParseObject(byte[] body, string refusal)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
        }
        catch (JsonException)
        {
        }
        throw WebhookRejected.Malformed(refusal);
    }

    public static JsonElement? OptionalObject(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>The items of the array at <paramref name="name"/>; none when it is absent or not an array.</summary>
    public static IEnumerable<JsonElement> OptionalArray(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray() : [];

    /// <summary>A non-empty string at <paramref name="name"/>, or null.</summary>
    public static string? OptionalText(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>An integer at <paramref name="name"/> (a JSON number, or a string of digits as WhatsApp sends timestamps), or null.</summary>
    public static long? OptionalInt64(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    /// <summary>A finite number at <paramref name="name"/> (JSON number or numeric string), or null.</summary>
    public static double? OptionalDouble(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value)) return null;
        double? number = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return number is { } n && double.IsFinite(n) ? n : null;
    }

    public static bool OptionalTrue(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The instant of a Unix timestamp in seconds, when it is a plausible one (after 2000, before the end of DateTimeOffset).</summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is > 946_684_800 and < 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;

    /// <summary>As <see cref="FromUnixSeconds"/>, for milliseconds (Messenger and Instagram).</summary>
    public static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is > 946_684_800_000 and < 253_402_300_799_000 ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds.Value) : null;

    /// <summary>First and last name joined, as providers split them; null when both are absent.</summary>
    public static string? FullName(string? first, string? last) =>
        string.Join(' ', new[] { first, last }.Where(part => !string.IsNullOrWhiteSpace(part))) is { Length: > 0 } name ? name : null;
}
