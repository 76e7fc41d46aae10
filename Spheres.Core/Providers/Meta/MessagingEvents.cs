using System.Text.Json;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// One <c>entry.messaging[]</c> event of Messenger (<c>object=page</c>) or Instagram (<c>object=instagram</c>) in our model,
/// from Meta's webhook references: <c>message</c> (text, <c>attachments</c>, <c>quick_reply</c>, <c>reply_to</c>, Instagram
/// story replies and mentions, <c>is_deleted</c> unsends), <c>postback</c> (buttons, Get Started, Instagram ice-breakers)
/// and <c>message_edit</c>. Echoes of our own sends, reads, deliveries, reactions, opt-ins, referrals, handovers and
/// chat-plugin guests (a sender with only <c>user_ref</c>, whom no send can reach by id) read as nothing.
/// </summary>
public static class MessagingEvents
{
    /// <summary>A developer payload is the business's own short string; a longer one is cut, never a failed store.</summary>
    public const int MaxPayloadLength = 1_000;

    public static (IncomingMessage? Message, MessageChange? Change) Read(string provider, JsonElement item)
    {
        if (item.OptionalObject("sender")?.OptionalText("id") is not { } sender) return (null, null);
        var at = PayloadFields.FromUnixMilliseconds(item.OptionalInt64("timestamp"));
        if (item.OptionalObject("message") is { } message) return Message(provider, sender, at, message);
        if (item.OptionalObject("postback") is { } postback) return (Postback(provider, sender, at, postback), null);
        if (item.OptionalObject("message_edit") is { } edit && edit.OptionalText("mid") is { } edited)
            return (null, new MessageChange(provider, edited, sender, MessageChangeKind.Edit, at, edit.OptionalText("text") ?? ""));
        return (null, null);
    }

    private static (IncomingMessage?, MessageChange?) Message(string provider, string sender, DateTimeOffset? at, JsonElement message)
    {
        if (message.OptionalTrue("is_echo") || message.OptionalText("mid") is not { } mid) return (null, null);
        if (message.OptionalTrue("is_deleted")) return (null, new MessageChange(provider, mid, sender, MessageChangeKind.Delete, at));
        if (message.OptionalTrue("is_unsupported") || at is null) return (null, null);
        // Bounded before it is read: a message keeps at most MaxPerMessage anyway.
        var attachments = message.OptionalArray("attachments").Take(MessageAttachment.MaxPerMessage)
            .Select(a => Attachment(a, message.OptionalInt64("sticker_id") is not null))
            .OfType<MessageAttachment>().ToList();
        var replyTo = message.OptionalObject("reply_to");
        if (replyTo?.OptionalObject("story") is { } story) // an Instagram story reply: the story is part of what the customer answered
            attachments.Add(new MessageAttachment(AttachmentType.Story, story.OptionalText("id"), story.OptionalText("url")));
        var incoming = new IncomingMessage(provider, mid, sender, message.OptionalText("text") ?? "", at.Value)
        {
            Attachments = attachments,
            Payload = Bounded(message.OptionalObject("quick_reply")?.OptionalText("payload")),
            ReplyTo = replyTo?.OptionalText("mid"),
        };
        return (incoming.HasContent ? incoming : null, null);
    }

    /// <summary>A tapped button, Get Started or ice-breaker: its title is the customer's words, its payload the business's.</summary>
    private static IncomingMessage? Postback(string provider, string sender, DateTimeOffset? at, JsonElement postback)
    {
        if (at is null || postback.OptionalText("title") is not { } title) return null;
        // Messenger postbacks may carry no mid; the sender and the millisecond identify the tap, and Meta's retry repeats both.
        var id = postback.OptionalText("mid") ?? $"postback:{sender}:{at.Value.ToUnixTimeMilliseconds()}";
        return new IncomingMessage(provider, id, sender, title, at.Value) { Payload = Bounded(postback.OptionalText("payload")) };
    }

    private static MessageAttachment? Attachment(JsonElement attachment, bool isSticker)
    {
        var payload = attachment.OptionalObject("payload");
        var url = payload?.OptionalText("url") ?? attachment.OptionalText("url"); // a fallback attachment carries its link beside a null payload
        var title = payload?.OptionalText("title") ?? attachment.OptionalText("title");
        return attachment.OptionalText("type") switch
        {
            "image" => new MessageAttachment(isSticker || payload?.OptionalInt64("sticker_id") is not null ? AttachmentType.Sticker : AttachmentType.Image, Url: url),
            "video" => new MessageAttachment(AttachmentType.Video, Url: url),
            "audio" => new MessageAttachment(AttachmentType.Audio, Url: url),
            "file" => new MessageAttachment(AttachmentType.File, Url: url, Name: title),
            "location" => payload?.OptionalObject("coordinates") is { } point
                ? new MessageAttachment(AttachmentType.Location, Url: url, Name: title, Latitude: point.OptionalDouble("lat"), Longitude: point.OptionalDouble("long"))
                : new MessageAttachment(AttachmentType.Location, Url: url, Name: title),
            "story_mention" => new MessageAttachment(AttachmentType.Story, payload?.OptionalText("id"), url),
            "share" or "ig_reel" or "reel" or "ig_post" or "template" or "fallback" => new MessageAttachment(AttachmentType.Share, Url: url, Name: title),
            null => null,
            _ => new MessageAttachment(AttachmentType.Other, Url: url, Name: title),
        };
    }

    public static string? Bounded(string? payload) => payload is { Length: > MaxPayloadLength } ? payload[..MaxPayloadLength] : payload;
}
