using System.Security.Cryptography;
using System.Text;

namespace Spheres.Core.Messaging;

/// <summary>What happened to an inbound message (API.md): handed to the agent, or answered automatically.</summary>
public enum MessageDecision { Agent, OutOfHours, QuotaExceeded, Inactive }

/// <summary>A customer's message as a provider delivered it, before any decision; <c>SentAt</c> is the provider's own timestamp.</summary>
public sealed record IncomingMessage(
    string Provider,
    string ExternalId,
    string Sender,
    string Text,
    DateTimeOffset SentAt)
{
    /// <summary>
    /// The message's id, derived from the provider's own event id: a retried delivery of the same
    /// event has the same id, which is what makes storing it an insert-if-absent.
    /// </summary>
    public string MessageId(int integrationId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{integrationId}|{Provider}|{ExternalId}")))[..24];
}

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
