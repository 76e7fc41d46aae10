using System.Text.Json;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// One <c>value.messages[]</c> item of a WhatsApp Cloud API delivery in our model, by its documented <c>type</c>: text, media
/// (image, video, audio and voice notes, document, sticker) with captions, location, contacts, order, interactive answers
/// (<c>button_reply</c>, <c>list_reply</c>, flow <c>nfm_reply</c>), template quick-reply <c>button</c>s, and <c>context</c>
/// (the message replied to). <c>edit</c> and <c>revoke</c> change a stored message. Reactions, <c>system</c> notices
/// (a changed number), <c>unsupported</c> types, <c>request_welcome</c>, items with <c>errors</c> and any type not
/// documented here read as nothing.
/// </summary>
public static class WhatsAppMessages
{
    public static (IncomingMessage? Message, MessageChange? Change) Read(JsonElement item, IReadOnlyDictionary<string, string> names)
    {
        if (item.OptionalText("from") is not { } from || item.OptionalText("id") is not { } id) return (null, null);
        var at = PayloadFields.FromUnixSeconds(item.OptionalInt64("timestamp"));
        switch (item.OptionalText("type"))
        {
            case "edit" when item.OptionalObject("edit") is { } edit && edit.OptionalText("original_message_id") is { } original:
                var (editedText, editedAttachments, _) = edit.OptionalObject("message") is { } replacement ? Content(replacement) : ("", [], null);
                return (null, new MessageChange("whatsapp", original, from, MessageChangeKind.Edit, at, editedText, editedAttachments));
            case "revoke" when item.OptionalObject("revoke")?.OptionalText("original_message_id") is { } revoked:
                return (null, new MessageChange("whatsapp", revoked, from, MessageChangeKind.Delete, at));
        }
        if (at is null || item.OptionalArray("errors").Any()) return (null, null);
        var (text, attachments, payload) = Content(item);
        var message = new IncomingMessage("whatsapp", id, from, text, at.Value)
        {
            Attachments = attachments,
            Payload = MessagingEvents.Bounded(payload),
            ReplyTo = item.OptionalObject("context")?.OptionalText("id"),
            SenderName = names.GetValueOrDefault(from),
        };
        return (message.HasContent ? message : null, null);
    }

    /// <summary>The words, attachments and tapped payload of a message of a type a customer writes or taps; nothing for other types.</summary>
    private static (string Text, IReadOnlyList<MessageAttachment> Attachments, string? Payload) Content(JsonElement item)
    {
        var type = item.OptionalText("type");
        var body = type is null ? null : item.OptionalObject(type);
        switch (type)
        {
            case "text":
                return (body?.OptionalText("body") ?? "", [], null);
            case "image" or "video" or "audio" or "document" or "sticker" when body is { } media:
                return (media.OptionalText("caption") ?? "", [Media(type, media)], null);
            case "location" when body is { } place:
                return ("", [new MessageAttachment(AttachmentType.Location, Url: place.OptionalText("url"),
                    Name: place.OptionalText("name") ?? place.OptionalText("address"), Latitude: place.OptionalDouble("latitude"), Longitude: place.OptionalDouble("longitude"))], null);
            case "contacts":
                return ("", item.OptionalArray("contacts").Take(MessageAttachment.MaxPerMessage).Where(c => c.ValueKind == JsonValueKind.Object).Select(Contact).ToList(), null);
            case "order" when body is { } order:
                return (order.OptionalText("text") ?? "", [new MessageAttachment(AttachmentType.Order, order.OptionalText("catalog_id"),
                    Name: $"{order.OptionalArray("product_items").Count()} item(s)")], null);
            case "interactive" when body is { } interactive:
                return Interactive(interactive);
            case "button" when body is { } button: // a quick-reply button of a template
                return (button.OptionalText("text") ?? "", [], button.OptionalText("payload"));
            default:
                return ("", [], null);
        }
    }

    private static (string, IReadOnlyList<MessageAttachment>, string?) Interactive(JsonElement interactive) => interactive.OptionalText("type") switch
    {
        "button_reply" when interactive.OptionalObject("button_reply") is { } tapped => (tapped.OptionalText("title") ?? "", [], tapped.OptionalText("id")),
        "list_reply" when interactive.OptionalObject("list_reply") is { } row => (row.OptionalText("title") ?? "", [], row.OptionalText("id")),
        // A flow's answer: the form the customer filled in is its response_json.
        "nfm_reply" when interactive.OptionalObject("nfm_reply") is { } flow => (flow.OptionalText("body") ?? "", [], flow.OptionalText("response_json")),
        _ => ("", [], null),
    };

    private static MessageAttachment Media(string type, JsonElement media) => new(
        type switch
        {
            "image" => AttachmentType.Image,
            "video" => AttachmentType.Video,
            "audio" => media.OptionalTrue("voice") ? AttachmentType.Voice : AttachmentType.Audio,
            "sticker" => AttachmentType.Sticker,
            _ => AttachmentType.File,
        },
        media.OptionalText("id"), media.OptionalText("url"), media.OptionalText("mime_type"), media.OptionalText("filename"));

    private static MessageAttachment Contact(JsonElement contact)
    {
        var phone = contact.OptionalArray("phones").Select(p => p.OptionalText("phone")).FirstOrDefault(p => p is not null);
        var name = contact.OptionalObject("name");
        return new MessageAttachment(AttachmentType.Contact, Url: phone is null ? null : "tel:" + phone,
            Name: name?.OptionalText("formatted_name") ?? PayloadFields.FullName(name?.OptionalText("first_name"), name?.OptionalText("last_name")));
    }
}
