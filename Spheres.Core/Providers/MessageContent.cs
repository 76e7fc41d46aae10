namespace Spheres.Core.Providers;

/// <summary>What arrived besides words (API.md, "What a customer message is"): the attachment types of the contract.</summary>
public enum AttachmentType { Image, Video, Audio, Voice, File, Sticker, Location, Contact, Share, Story, Order, Other }

/// <summary>
/// One thing a customer sent: <c>MediaId</c> is the provider's id to fetch it later (Telegram <c>file_id</c>, WhatsApp media id),
/// <c>Url</c> only where the provider sends one. Absent fields are null.
/// </summary>
public sealed record MessageAttachment(
    AttachmentType Type, string? MediaId = null, string? Url = null, string? MimeType = null, string? Name = null,
    double? Latitude = null, double? Longitude = null)
{
    /// <summary>A message keeps at most this many: a row holds them all, and no provider sends more in one message.</summary>
    public const int MaxPerMessage = 20;

    /// <summary>Provider ids, URLs and names are short; a longer one is cut rather than a failed store.</summary>
    public const int MaxFieldLength = 2_048;

    public static string TypeName(AttachmentType type) => type.ToString().ToLowerInvariant();

    public MessageAttachment Bounded() => this with
    {
        MediaId = Cut(MediaId), Url = Cut(Url), MimeType = Cut(MimeType), Name = Cut(Name),
    };

    private static string? Cut(string? value) => value is { Length: > MaxFieldLength } ? value[..MaxFieldLength] : value;
}

/// <summary>How an event changes a message we stored earlier: the customer edited it, or unsent (deleted) it.</summary>
public enum MessageChangeKind { Edit, Delete }

/// <summary>
/// An edit or a delete of a customer's earlier message, named by that message's <c>OriginalExternalId</c> (its id at the
/// provider) and its sender. An edit carries the new text and, where the provider resends them, attachments. <c>At</c> is the
/// provider's time of the change; null where it sends none (the change is then dated when we apply it).
/// </summary>
public sealed record MessageChange(
    string Provider, string OriginalExternalId, string Sender, MessageChangeKind Kind, DateTimeOffset? At,
    string? Text = null, IReadOnlyList<MessageAttachment>? Attachments = null);

/// <summary>A change of a delivery, with the route key of the account the message was sent to.</summary>
public sealed record DeliveredChange(string RouteKey, MessageChange Change);
