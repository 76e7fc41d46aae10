namespace Spheres.Core.Messaging;

/// <summary>
/// What the pipeline asks of the inbox (<c>Inbox.ConversationStore</c>), declared here so messaging does not depend on it:
/// whether a human holds a customer's conversation, and adding a stored message to it (recording one twice changes nothing).
/// </summary>
public interface IConversationLog
{
    Task<bool> IsHumanAsync(string tenantId, int integrationId, string customerId, DateTimeOffset now, CancellationToken cancellationToken);

    Task RecordInboundAsync(InboundMessage message, CancellationToken cancellationToken);
}
