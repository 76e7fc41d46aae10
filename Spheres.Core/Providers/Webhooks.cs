using System.Security.Cryptography;
using System.Text;

namespace Spheres.Core.Providers;

/// <summary>
/// A customer's message as a provider delivered it, before any decision; <c>SentAt</c> is the provider's own timestamp.
/// Its content (API.md, "What a customer message is"): <c>Text</c> (words, caption, or the title of what was tapped),
/// <c>Attachments</c>, the tapped button's <c>Payload</c>, and <c>ReplyTo</c> (the external id of the message answered).
/// </summary>
public sealed record IncomingMessage(
    string Provider,
    string ExternalId,
    string Sender,
    string Text,
    DateTimeOffset SentAt)
{
    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    public string? Payload { get; init; }

    public string? ReplyTo { get; init; }

    /// <summary>The customer's name as the provider gives it (Telegram first and last name, WhatsApp profile name); null when it gives none.</summary>
    public string? SenderName { get; init; }

    /// <summary>
    /// Where a reply goes at the provider when that is not simply <see cref="Sender"/> (a Telegram Business chat is answered
    /// through its business connection); null otherwise. Only the provider's reply channel reads it.
    /// </summary>
    public string? ReplyRecipient { get; init; }

    /// <summary>A customer message has words or something attached; anything else (a service event, an empty tap) is not one.</summary>
    public bool HasContent => Text.Length > 0 || Attachments.Count > 0;

    /// <summary>
    /// The message's id, derived from the provider's own event id: a retried delivery of the same
    /// event has the same id, which is what makes storing it an insert-if-absent.
    /// </summary>
    public string MessageId(int integrationId) => IdOf(integrationId, Provider, ExternalId);

    /// <summary>The id of the message <paramref name="externalId"/> of <paramref name="provider"/> on an integration: how an edit finds what it edits.</summary>
    public static string IdOf(int integrationId, string provider, string externalId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{integrationId}|{provider}|{externalId}")))[..24];
}

/// <summary>A delivery as it reached us: the key in its URL (a bot's webhook key), its headers, and its raw body.</summary>
public sealed record WebhookDelivery(string? Key, Func<string, string?> Header, byte[] Body)
{
    public static readonly byte[] NoBody = [];
}

/// <summary>A customer message of a delivery, with the route key of the account it was sent to.</summary>
public sealed record DeliveredMessage(string RouteKey, IncomingMessage Message);

/// <summary>Something a scheduling or calendar provider told us (a booking, a meeting, a calendar change), with its account's route key.</summary>
public sealed record DeliveredEvent(string RouteKey, string Provider, string EventId, string Kind, DateTimeOffset OccurredAt, string Payload);

/// <summary>A public rating of the business with its text (a Facebook Page rating), with the route key of the account it rates.</summary>
public sealed record DeliveredRating(
    string RouteKey, string Source, string Text, int? Rating, string? Author, string ExternalId, DateTimeOffset CreatedAt);

/// <summary>
/// What a verified delivery says, in our model: customer messages, events and ratings, each routed by its account's key;
/// and, for a provider's own handshake (Zoom's URL validation), the body to answer with instead.
/// </summary>
public sealed record WebhookReading(
    IReadOnlyList<DeliveredMessage> Messages, IReadOnlyList<DeliveredEvent> Events, IReadOnlyList<DeliveredRating> Ratings, object? Answer = null)
{
    /// <summary>Edits and deletes of messages stored earlier: applied to them, never new messages.</summary>
    public IReadOnlyList<DeliveredChange> Changes { get; init; } = [];

    public static readonly WebhookReading Nothing = new([], [], []);

    public static WebhookReading Of(DeliveredEvent delivered) => new([], [delivered], []);
}

/// <summary>
/// A provider's webhook endpoint (<c>/api/webhooks/{Endpoint}/</c>): verifies a delivery on its raw bytes before anything
/// is read (401 otherwise, <see cref="WebhookRejected"/>), then reads what it says. Shapes it does not know are skipped, not refused.
/// </summary>
public interface IWebhookReceiver
{
    string Endpoint { get; }

    Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>A provider's subscription handshake on its webhook endpoint (Meta's <c>GET</c> with <c>hub.challenge</c>).</summary>
public interface IWebhookHandshake
{
    string Endpoint { get; }

    /// <summary>What to answer the provider's query with; 403 when it does not prove it is our subscription.</summary>
    string Answer(Func<string, string?> query);
}
