using Azure;
using Azure.Data.Tables;

namespace Spheres.Core.Messaging;

/// <summary>
/// What the pipeline asks of the inbox (<c>Inbox.ConversationStore</c>), declared here so messaging does not depend on it. A
/// conversation's rows live in the tenant's partition of <c>Messages</c>, so adding a message to its conversation is part of the
/// transaction that stores the message: a message is in its conversation exactly when it is stored.
/// </summary>
public interface IConversationLog
{
    /// <summary>
    /// The customer's conversation on the integration as this instance last wrote it, or as stored when it does not know it or
    /// <paramref name="fresh"/> asks (the state row's ETag goes into the transaction, so a stale copy fails there and is read again).
    /// </summary>
    Task<IConversationRecord> OpenAsync(string tenantId, int integrationId, string customerId, bool fresh, CancellationToken cancellationToken);
}

/// <summary>One customer's conversation as read, ready to take the messages of one transaction.</summary>
public interface IConversationRecord
{
    /// <summary>Whether a human holds the conversation at <paramref name="now"/>: the customer's messages get decision <c>human</c>.</summary>
    bool IsHumanAt(DateTimeOffset now);

    /// <summary>
    /// The rows that add <paramref name="messages"/> (stored in the same transaction, oldest first) to the conversation: one
    /// timeline row each, the conversation row (ETag-checked) and its list row.
    /// </summary>
    IReadOnlyList<TableTransactionAction> Record(IReadOnlyList<InboundMessage> messages);

    /// <summary>
    /// The transaction failed at <paramref name="index"/> of <see cref="Record"/>'s rows with <paramref name="status"/>: true when
    /// the same record may simply be tried again (its old list row was gone already), false when the conversation must be read again.
    /// </summary>
    bool Failed(int index, int status);

    /// <summary>The transaction went through: <paramref name="responses"/> answer <see cref="Record"/>'s rows, in order.</summary>
    void Committed(IReadOnlyList<Response> responses);
}
