using Spheres.Core.Providers;

namespace Spheres.Core.Messaging;

/// <summary>What happened to an inbound message (API.md): handed to the agent, or answered automatically.</summary>
public enum MessageDecision { Agent, OutOfHours, QuotaExceeded, Inactive }

/// <summary>A stored inbound message: <c>SentAt</c> is the provider's timestamp, <c>ReceivedAt</c> when we first stored it.</summary>
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
}

/// <summary>A message whose integration is known: the routing part of the pipeline is done.</summary>
public sealed record RoutedMessage(string TenantId, int IntegrationId, IncomingMessage Message);
