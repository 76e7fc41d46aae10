using Azure;
using Azure.Data.Tables;
using Spheres.Core.Messaging;
using Spheres.Core.Providers;

namespace Spheres.Core.Inbox;

/// <summary>
/// The rows of one change of a conversation, for one entity-group transaction: its new timeline rows, the conversation row
/// (added, or replaced under the ETag it was read with), its old list row deleted and the new one written.
/// </summary>
internal sealed class ConversationWrite(Conversation? existing)
{
    /// <summary>False once a transaction found the old list row gone (retention stopped half-way): nothing to move then.</summary>
    public bool DropOldActivity { get; set; } = true;

    public int StateIndex { get; private set; } = -1;

    public int DeleteIndex { get; private set; } = -1;

    public List<TableTransactionAction> Actions(string tenantId, Conversation next, IEnumerable<TimelineEntry> entries)
    {
        var actions = entries.Select(entry => new TableTransactionAction(TableTransactionActionType.Add, TimelineRow(tenantId, next.Id, entry))).ToList();
        StateIndex = actions.Count;
        var state = ConversationRows.ToRow(next, ConversationRows.StateKey(next.Id));
        state["ActivityKey"] = ConversationRows.ActivityKey(next);
        actions.Add(existing is null
            ? new(TableTransactionActionType.Add, state)
            : new(TableTransactionActionType.UpdateReplace, state, new ETag(existing.ETag!)));
        DeleteIndex = -1;
        if (existing is not null && DropOldActivity && ConversationRows.ActivityKey(existing) != ConversationRows.ActivityKey(next))
        {
            DeleteIndex = actions.Count;
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(tenantId, ConversationRows.ActivityKey(existing)), ETag.All));
        }
        actions.Add(new(TableTransactionActionType.UpsertReplace, ConversationRows.ToRow(next, ConversationRows.ActivityKey(next))));
        return actions;
    }

    private static TableEntity TimelineRow(string tenantId, string id, TimelineEntry entry) =>
        new(tenantId, ConversationRows.TimelineKey(id, entry.At, entry.ItemId))
        {
            ["Kind"] = entry.Inbound ? "in" : "human", ["ItemId"] = entry.ItemId, ["MessageKey"] = entry.MessageRowKey,
            [ConversationRows.TimelineAt] = entry.At,
        };
}

/// <summary>A customer's conversation taking stored messages, in the messages' own transaction (<see cref="IConversationLog"/>).</summary>
internal sealed class ConversationRecord(ConversationStore store, string tenantId, string id, Conversation? existing) : IConversationRecord
{
    private readonly ConversationWrite _write = new(existing);
    private Conversation? _next;

    public bool IsHumanAt(DateTimeOffset now) => existing?.StatusAt(now) == ConversationStatus.Human;

    public IReadOnlyList<TableTransactionAction> Record(IReadOnlyList<InboundMessage> messages)
    {
        _next = existing;
        foreach (var m in messages) _next = With(_next, id, m);
        return _write.Actions(tenantId, _next!, messages.Select(m => new TimelineEntry(true, m.Id, MessageStore.RowKeyOf(m), At(m))));
    }

    public bool Failed(int index, int status)
    {
        if (index != _write.DeleteIndex || status != 404) return false;
        _write.DropOldActivity = false;
        return true;
    }

    public void Committed(IReadOnlyList<Response> responses) =>
        store.Remember(_next! with { ETag = responses[_write.StateIndex].Headers.ETag?.ToString() });

    /// <summary>Where a message sits in its conversation: when the customer wrote it, or when we got it if the provider's clock is ahead.</summary>
    private static DateTimeOffset At(InboundMessage m) => m.SentAt < m.ReceivedAt ? m.SentAt : m.ReceivedAt;

    /// <summary>The conversation with one more customer message (made by the first one).</summary>
    private static Conversation With(Conversation? existing, string id, InboundMessage m)
    {
        var at = At(m);
        var preview = Conversation.Preview(m.Text.Length > 0 ? m.Text
            : m.Attachments.Count > 0 ? $"[{MessageAttachment.TypeName(m.Attachments[0].Type)}]" : "");
        if (existing is null)
        {
            return new Conversation(m.TenantId, id, m.IntegrationId, m.Provider, m.Sender, m.SenderName ?? m.Sender, m.Recipient, ConversationStatus.Agent,
                null, 1, at, at, preview, 1);
        }
        var newest = at >= existing.LastMessageAt;
        return existing with
        {
            CustomerName = m.SenderName ?? existing.CustomerName,
            Recipient = newest ? m.Recipient : existing.Recipient,
            // A new customer message reopens a closed conversation; one a human holds stays theirs.
            Status = existing.Status == ConversationStatus.Closed ? ConversationStatus.Agent : existing.Status,
            Unread = existing.Unread + 1,
            LastMessageAt = newest ? at : existing.LastMessageAt,
            LastCustomerMessageAt = at > existing.LastCustomerMessageAt ? at : existing.LastCustomerMessageAt,
            LastMessagePreview = newest ? preview : existing.LastMessagePreview,
            MessagesCount = existing.MessagesCount + 1,
        };
    }
}
