using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Webhooks;

// What providers send, as far as we read it (CATALOG.md, "Provider facts for webhooks"). Only the
// OpenAPI document uses these: the functions verify the raw bytes first and parse them in Core.
// Providers send more fields than these; they are ignored.

/// <summary>A Telegram <c>Update</c>.</summary>
public sealed record TelegramUpdate([property: Required, Description("Deduplicates repeated deliveries.")] long UpdateId, TelegramMessage? Message);

public sealed record TelegramMessage(
    [property: Required] long MessageId, [property: Required, Description("Unix seconds.")] long Date,
    [property: Required] TelegramChat Chat, TelegramUser? From, string? Text);

public sealed record TelegramChat([property: Required] long Id);

public sealed record TelegramUser([property: Required] long Id, string? FirstName, string? Username);

/// <summary>A Meta delivery: Messenger (<c>page</c>), Instagram, or WhatsApp (<c>whatsapp_business_account</c>).</summary>
public sealed record MetaDelivery(
    [property: Required, AllowedValues("page", "instagram", "whatsapp_business_account")] string Object,
    [property: Required] IReadOnlyList<MetaEntry> Entry);

public sealed record MetaEntry(
    [property: Required, Description("Page or Instagram account id; routes the entry.")] string Id,
    IReadOnlyList<MetaMessaging>? Messaging,
    IReadOnlyList<MetaChange>? Changes);

public sealed record MetaMessaging([property: Required] MetaParty Sender, [property: Required] MetaParty Recipient,
    [property: Description("Milliseconds since the epoch.")] long? Timestamp, MetaMessage? Message);

public sealed record MetaParty([property: Required] string Id);

public sealed record MetaMessage([property: Required] string Mid, string? Text, bool? IsEcho);

/// <summary>A WhatsApp change (<c>field: messages</c>: <c>value.metadata.phone_number_id</c>, <c>value.messages[]</c>) or a Page rating.</summary>
public sealed record MetaChange([property: Required] string Field, [property: Required] JsonObject Value);

/// <summary>A Calendly webhook event (<c>invitee.created</c>, <c>invitee.canceled</c>).</summary>
public sealed record CalendlyEvent([property: Required] string Event, [property: Required] JsonObject Payload);

/// <summary>A Zoom event, or the <c>endpoint.url_validation</c> challenge (<c>payload.plainToken</c>).</summary>
public sealed record ZoomEvent([property: Required] string Event, [property: Required] JsonObject Payload, long? EventTs);

/// <summary>A Square notification (<c>booking.created</c>, <c>booking.updated</c>).</summary>
public sealed record SquareEvent([property: Required] string Type, [property: Required] string EventId, string? MerchantId, JsonObject? Data);
