using Spheres.Core.Providers;

namespace Spheres.Core.Messaging;

/// <summary>
/// What happened to an inbound message (API.md): handed to the agent, answered automatically, or left to the human who
/// holds its conversation (<see cref="Human"/>: counted as an agent message is, but sent nowhere).
/// </summary>
public enum MessageDecision { Agent, OutOfHours, QuotaExceeded, Inactive, Human }

/// <summary>
/// A stored inbound message: <c>SentAt</c> is the provider's timestamp, <c>ReceivedAt</c> when we first stored it. Its content
/// (API.md, "What a customer message is") is <c>Text</c>, <c>Attachments</c>, <c>Payload</c> and <c>ReplyTo</c>; an edit sets
/// <c>EditedAt</c>, an unsend sets <c>Deleted</c> and clears the content. Rows stored before attachments existed read as none.
/// </summary>
public sealed record InboundMessage(
    string TenantId,
    int IntegrationId,
    string Id,
    string Provider,
    string ExternalId,
    string Sender,
    string Text,
    DateTimeOffset SentAt,
    DateTimeOffset ReceivedAt,
    MessageDecision Decision,
    string? ReplyText,
    bool Enqueued,
    DateTimeOffset ClaimedUntil)
{
    public string? ETag { get; init; }

    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    public string? Payload { get; init; }

    public string? ReplyTo { get; init; }

    public DateTimeOffset? EditedAt { get; init; }

    public bool Deleted { get; init; }

    /// <summary>The customer's name as the provider gave it with this message; null when it gave none.</summary>
    public string? SenderName { get; init; }

    /// <summary>Where a reply to this message goes at the provider (<see cref="IncomingMessage.ReplyRecipient"/>): the sender unless it says otherwise.</summary>
    public string? ReplyRecipient { get; init; }

    public string Recipient => ReplyRecipient ?? Sender;
}

/// <summary>A message whose integration is known: the routing part of the pipeline is done.</summary>
public sealed record RoutedMessage(string TenantId, int IntegrationId, IncomingMessage Message);
