using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>What a stored message's content looks like through the API (API.md, "What a customer message is").</summary>
public static class MessageAssertions
{
    /// <summary>The message's one attachment of <paramref name="type"/>, with the fields given (null: not checked).</summary>
    public static JsonElement AttachmentIs(JsonElement message, string type, string? mediaId = null, string? mime = null, string? name = null, string? url = null)
    {
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray(), a => a.GetProperty("type").GetString() == type);
        if (mediaId is not null) Assert.Equal(mediaId, attachment.GetProperty("media_id").GetString());
        if (mime is not null) Assert.Equal(mime, attachment.GetProperty("mime_type").GetString());
        if (name is not null) Assert.Equal(name, attachment.GetProperty("name").GetString());
        if (url is not null) Assert.Equal(url, attachment.GetProperty("url").GetString());
        return attachment;
    }
}
