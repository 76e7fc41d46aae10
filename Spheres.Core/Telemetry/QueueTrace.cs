using System.Diagnostics;
using System.Text.Json;

namespace Spheres.Core.Telemetry;

/// <summary>
/// The trace context inside our queue messages: a <c>traceparent</c> field (W3C) in the JSON of every message we enqueue,
/// so the function that handles it continues the trace of the webhook that caused it.
/// </summary>
public static class QueueTrace
{
    public const string Field = "traceparent";

    /// <summary>The running activity's W3C id, for a message's <c>traceparent</c>; null when nothing is traced.</summary>
    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the span that puts a message on <paramref name="queue"/>; its id is what the message carries.
    /// Null when nothing listens (the message then carries the running activity's id, if any).
    /// </summary>
    public static Activity? StartPublish(string queue) =>
        SpheresTelemetry.Source.StartActivity($"publish {queue}", ActivityKind.Producer)?.SetTag(SpheresTelemetry.Tags.Queue, queue);

    /// <summary>The <c>traceparent</c> of a queue message's JSON object (top level only), if it has a valid one.</summary>
    public static ActivityContext? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isField = reader.ValueTextEquals(Field);
                if (!reader.Read()) return null;
                if (isField)
                {
                    return reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 128
                        && ActivityContext.TryParse(reader.GetString(), null, isRemote: true, out var context) ? context : null;
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null; // the function's own parsing says what is wrong with it
        }
    }
}
