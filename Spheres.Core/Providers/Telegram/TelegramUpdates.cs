using System.Globalization;
using System.Text.Json;

namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// Telegram <c>Update</c>s in our model (Bot API reference: Update, Message, BusinessMessagesDeleted). A customer message
/// is a <c>message</c> or <c>business_message</c> in a private chat, written by the chat's user (not by the business owner
/// answering in a Business chat, not by a bot), with words or something attached. Edits (<c>edited_message</c>,
/// <c>edited_business_message</c>) and <c>deleted_business_messages</c> are changes of stored messages. Everything else
/// (groups, channels, callback queries, service messages such as pins, joins, migrations, payments, games) reads as nothing.
/// </summary>
public static class TelegramUpdates
{
    /// <summary>A delete event names at most this many messages that we act on; Telegram batches far fewer.</summary>
    private const int MaxDeletedPerUpdate = 100;

    /// <summary>Business connection ids are short opaque tokens; anything longer is no id of Telegram's.</summary>
    private const int MaxConnectionIdLength = 128;

    public static (IncomingMessage? Message, IReadOnlyList<MessageChange> Changes) Read(JsonElement update)
    {
        if (update.OptionalObject("message") is { } message) return (CustomerMessage(message, connection: null), []);
        if (update.OptionalObject("business_message") is { } business)
            return (BusinessConnection(business) is { } id ? CustomerMessage(business, id) : null, []);
        if (update.OptionalObject("edited_message") is { } edited) return (null, Edit(edited, connection: null));
        if (update.OptionalObject("edited_business_message") is { } editedBusiness)
            return (null, BusinessConnection(editedBusiness) is { } id ? Edit(editedBusiness, id) : []);
        if (update.OptionalObject("deleted_business_messages") is { } deleted) return (null, Deletes(deleted));
        return (null, []);
    }

    /// <summary>Our id of a Telegram message: message ids count per chat (and per business connection), so the chat is part of it.</summary>
    public static string ExternalId(string? connection, long chatId, long messageId) =>
        (connection is null ? "" : connection + ":") + chatId.ToString(CultureInfo.InvariantCulture) + ":" + messageId.ToString(CultureInfo.InvariantCulture);

    private static IncomingMessage? CustomerMessage(JsonElement message, string? connection)
    {
        if (Conversation(message) is not var (chatId, messageId)) return null;
        if (PayloadFields.FromUnixSeconds(message.OptionalInt64("date")) is not { } sentAt) return null;
        var (text, attachments) = Content(message);
        var from = message.OptionalObject("from");
        var incoming = new IncomingMessage(TelegramModule.TypeSlug, ExternalId(connection, chatId, messageId),
            chatId.ToString(CultureInfo.InvariantCulture), text, sentAt)
        {
            Attachments = attachments,
            ReplyTo = message.OptionalObject("reply_to_message")?.OptionalInt64("message_id") is { } repliedTo ? ExternalId(connection, chatId, repliedTo) : null,
            SenderName = from is { } f ? PayloadFields.FullName(f.OptionalText("first_name"), f.OptionalText("last_name")) ?? f.OptionalText("username") : null,
            ReplyRecipient = connection is null ? null : TelegramRecipients.Business(connection, chatId),
        };
        return incoming.HasContent ? incoming : null;
    }

    /// <summary>
    /// The private chat and message id of a message its chat's user wrote; null for groups, supergroups, channels, messages
    /// without an author, from a bot, or by the business owner in a Business chat (there the author is not the chat's user).
    /// </summary>
    private static (long ChatId, long MessageId)? Conversation(JsonElement message)
    {
        var chat = message.OptionalObject("chat");
        var from = message.OptionalObject("from");
        if (chat is not { } c || from is not { } f || c.OptionalText("type") != "private" || f.OptionalTrue("is_bot")) return null;
        var chatId = c.OptionalInt64("id") ?? 0;
        var messageId = message.OptionalInt64("message_id") ?? 0;
        return chatId > 0 && messageId > 0 && f.OptionalInt64("id") == chatId ? (chatId, messageId) : null;
    }

    private static string? BusinessConnection(JsonElement message) =>
        message.OptionalText("business_connection_id") is { Length: <= MaxConnectionIdLength } id ? id : null;

    private static IReadOnlyList<MessageChange> Edit(JsonElement message, string? connection)
    {
        if (Conversation(message) is not var (chatId, messageId)) return [];
        var at = PayloadFields.FromUnixSeconds(message.OptionalInt64("edit_date")) ?? PayloadFields.FromUnixSeconds(message.OptionalInt64("date"));
        var (text, attachments) = Content(message);
        return [new MessageChange(TelegramModule.TypeSlug, ExternalId(connection, chatId, messageId), chatId.ToString(CultureInfo.InvariantCulture),
            MessageChangeKind.Edit, at, text, attachments)];
    }

    private static IReadOnlyList<MessageChange> Deletes(JsonElement deleted)
    {
        if (BusinessConnection(deleted) is not { } connection || deleted.OptionalObject("chat") is not { } chat
            || chat.OptionalText("type") != "private" || chat.OptionalInt64("id") is not > 0) return [];
        var chatId = chat.OptionalInt64("id")!.Value;
        return deleted.OptionalArray("message_ids").Take(MaxDeletedPerUpdate)
            .Where(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var n) && n > 0)
            .Select(id => new MessageChange(TelegramModule.TypeSlug, ExternalId(connection, chatId, id.GetInt64()),
                chatId.ToString(CultureInfo.InvariantCulture), MessageChangeKind.Delete, At: null)) // Telegram does not say when
            .ToList();
    }

    /// <summary>The words (text, else caption) and what is attached, read from the Message fields the Bot API documents.</summary>
    private static (string Text, IReadOnlyList<MessageAttachment> Attachments) Content(JsonElement message)
    {
        var text = message.OptionalText("text") ?? message.OptionalText("caption") ?? "";
        var attachments = new List<MessageAttachment>();
        if (message.OptionalArray("photo").LastOrDefault() is { ValueKind: JsonValueKind.Object } largest) // sizes come smallest first
            attachments.Add(new MessageAttachment(AttachmentType.Image, largest.OptionalText("file_id")));
        if (message.OptionalObject("animation") is { } animation) attachments.Add(File(AttachmentType.Video, animation));
        else if (message.OptionalObject("document") is { } document) attachments.Add(File(AttachmentType.File, document)); // an animation repeats itself as document
        if (message.OptionalObject("video") is { } video) attachments.Add(File(AttachmentType.Video, video));
        if (message.OptionalObject("video_note") is { } note) attachments.Add(File(AttachmentType.Video, note));
        if (message.OptionalObject("audio") is { } audio)
            attachments.Add(File(AttachmentType.Audio, audio) with { Name = audio.OptionalText("file_name") ?? audio.OptionalText("title") });
        if (message.OptionalObject("voice") is { } voice) attachments.Add(File(AttachmentType.Voice, voice));
        if (message.OptionalObject("sticker") is { } sticker)
            attachments.Add(new MessageAttachment(AttachmentType.Sticker, sticker.OptionalText("file_id"), Name: sticker.OptionalText("emoji")));
        if (message.OptionalObject("venue") is { } venue) attachments.Add(Location(venue.OptionalObject("location"), venue.OptionalText("title")));
        else if (message.OptionalObject("location") is { } location) attachments.Add(Location(location, null));
        if (message.OptionalObject("contact") is { } contact)
            attachments.Add(new MessageAttachment(AttachmentType.Contact,
                Url: contact.OptionalText("phone_number") is { } phone ? "tel:" + phone : null,
                Name: PayloadFields.FullName(contact.OptionalText("first_name"), contact.OptionalText("last_name"))));
        if (message.OptionalObject("dice") is { } dice) attachments.Add(new MessageAttachment(AttachmentType.Other, Name: dice.OptionalText("emoji")));
        if (message.OptionalObject("poll") is { } poll) attachments.Add(new MessageAttachment(AttachmentType.Other, Name: poll.OptionalText("question")));
        if (message.OptionalObject("story") is { } story)
            attachments.Add(new MessageAttachment(AttachmentType.Story, story.OptionalInt64("id")?.ToString(CultureInfo.InvariantCulture)));
        if (message.OptionalObject("forward_origin") is { } origin) attachments.Add(new MessageAttachment(AttachmentType.Share, Name: OriginName(origin)));
        return (text, attachments.Where(a => a.Type is AttachmentType.Location or AttachmentType.Contact or AttachmentType.Other or AttachmentType.Share
            || a.MediaId is not null).ToList());
    }

    private static MessageAttachment File(AttachmentType type, JsonElement file) =>
        new(type, file.OptionalText("file_id"), MimeType: file.OptionalText("mime_type"), Name: file.OptionalText("file_name"));

    private static MessageAttachment Location(JsonElement? location, string? name) =>
        new(AttachmentType.Location, Name: name, Latitude: location?.OptionalDouble("latitude"), Longitude: location?.OptionalDouble("longitude"));

    /// <summary>Who a forwarded message came from (MessageOrigin: a user, a hidden user, a chat or a channel).</summary>
    private static string? OriginName(JsonElement origin) =>
        origin.OptionalObject("sender_user") is { } user ? PayloadFields.FullName(user.OptionalText("first_name"), user.OptionalText("last_name"))
        : origin.OptionalText("sender_user_name")
        ?? origin.OptionalObject("sender_chat")?.OptionalText("title") ?? origin.OptionalObject("chat")?.OptionalText("title");
}

/// <summary>How a Telegram reply recipient names a Business chat: <c>business:{connection}:{chat}</c>; a plain chat id otherwise.</summary>
public static class TelegramRecipients
{
    private const string BusinessPrefix = "business:";

    public static string Business(string connection, long chatId) =>
        BusinessPrefix + connection + ":" + chatId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The business connection (null for a plain chat) and the chat id of a recipient; null when it is neither shape.</summary>
    public static (string? Connection, long ChatId)? Parse(string recipient)
    {
        var connection = (string?)null;
        var chat = recipient;
        if (recipient.StartsWith(BusinessPrefix, StringComparison.Ordinal))
        {
            var separator = recipient.LastIndexOf(':');
            connection = recipient[BusinessPrefix.Length..separator];
            chat = recipient[(separator + 1)..];
            if (connection.Length == 0) return null;
        }
        return long.TryParse(chat, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? (connection, id) : null;
    }
}
