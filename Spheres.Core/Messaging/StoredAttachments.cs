using System.Text.Json;
using System.Text.Json.Serialization;
using Spheres.Core.Providers;

namespace Spheres.Core.Messaging;

/// <summary>
/// A message's attachments as one JSON column of its row. A table property holds 32K characters: attachments past that are
/// dropped from the end (a message never carries that many in practice), never a failed store.
/// </summary>
public static class StoredAttachments
{
    private const int MaxColumnLength = 30_000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The attachments a message keeps: at most <see cref="MessageAttachment.MaxPerMessage"/>, each field bounded.</summary>
    public static IReadOnlyList<MessageAttachment> Bounded(IReadOnlyList<MessageAttachment> attachments) =>
        attachments.Take(MessageAttachment.MaxPerMessage).Select(a => a.Bounded()).ToList();

    /// <summary>The column's value: null when there are none, so rows without attachments stay as they were.</summary>
    public static string? Write(IReadOnlyList<MessageAttachment> attachments)
    {
        for (var count = attachments.Count; count > 0; count--)
        {
            var json = JsonSerializer.Serialize(attachments.Take(count), Json);
            if (json.Length <= MaxColumnLength) return json;
        }
        return null;
    }

    /// <summary>The attachments of a row; none for a row stored before they existed (or a column we cannot read).</summary>
    public static IReadOnlyList<MessageAttachment> Read(string? column)
    {
        if (string.IsNullOrEmpty(column)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<MessageAttachment>>(column, Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
