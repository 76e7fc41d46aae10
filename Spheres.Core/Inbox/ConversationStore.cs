using Azure;
using Azure.Data.Tables;
using Spheres.Core.Messaging;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Inbox;

/// <summary>One entry of a conversation's timeline: a customer message (by its row in <c>Messages</c>) or a human reply (by its reply id).</summary>
public sealed record TimelineEntry(bool Inbound, string ItemId, string? MessageRowKey, DateTimeOffset At);

/// <summary>What the conversation list is narrowed to (API.md: <c>?status=</c>, <c>?integration=</c>, <c>?unread=true</c>).</summary>
public sealed record ConversationFilter(ConversationStatus? Status, int? IntegrationId, bool UnreadOnly);

/// <summary>
/// Conversations in the tenant's partition of <c>Conversations</c> (rows: <see cref="ConversationRows"/>). Every change is one
/// entity-group transaction over the conversation row (ETag-checked), its activity copy and, for a new message or reply, its
/// timeline row; the timeline row is insert-if-absent, so recording the same message twice changes nothing.
/// </summary>
public sealed class ConversationStore(SpheresStorage storage) : IConversationLog
{
    private const int MaxAttempts = 8;

    public async Task<Conversation?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!Conversation.IsId(id)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ConversationRows.StateKey(id), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? ConversationRows.FromRow(row.Value!) : null;
    }

    /// <summary>Adds a stored customer message to its conversation (made on the first one); a message recorded before changes nothing.</summary>
    public async Task RecordInboundAsync(InboundMessage m, CancellationToken cancellationToken)
    {
        var at = m.SentAt < m.ReceivedAt ? m.SentAt : m.ReceivedAt;
        var id = Conversation.IdOf(m.IntegrationId, m.Sender);
        var entry = new TimelineEntry(true, m.Id, MessageStore.RowKeyOf(m), at);
        var preview = Conversation.Preview(m.Text.Length > 0 ? m.Text : m.Attachments.Count > 0 ? $"[{Providers.MessageAttachment.TypeName(m.Attachments[0].Type)}]" : "");
        await ChangeAsync(m.TenantId, id, entry, existing =>
        {
            var newest = existing is null || at >= existing.LastMessageAt;
            var customerName = m.SenderName ?? existing?.CustomerName ?? m.Sender;
            return existing is null
                ? new Conversation(m.TenantId, id, m.IntegrationId, m.Provider, m.Sender, customerName, m.Recipient, ConversationStatus.Agent, null,
                    1, at, at, preview, 1)
                : existing with
                {
                    CustomerName = customerName,
                    Recipient = newest ? m.Recipient : existing.Recipient,
                    // A new customer message reopens a closed conversation; one a human holds stays theirs.
                    Status = existing.Status == ConversationStatus.Closed ? ConversationStatus.Agent : existing.Status,
                    Unread = existing.Unread + 1,
                    LastMessageAt = newest ? at : existing.LastMessageAt,
                    LastCustomerMessageAt = at > existing.LastCustomerMessageAt ? at : existing.LastCustomerMessageAt,
                    LastMessagePreview = newest ? preview : existing.LastMessagePreview,
                    MessagesCount = existing.MessagesCount + 1,
                };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the conversation (null: it does not exist yet) with <paramref name="entry"/> added to its
    /// timeline when given; read again and retried while another write wins. Null when the conversation is not there (and
    /// <paramref name="change"/> made none) or the entry was recorded already.
    /// </summary>
    public async Task<Conversation?> ChangeAsync(string tenantId, string id, TimelineEntry? entry, Func<Conversation?, Conversation?> change,
        CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var dropOldActivity = true;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ConversationRows.StateKey(id), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            var existing = row.HasValue ? ConversationRows.FromRow(row.Value!) : null;
            if (change(existing) is not { } next) return null;
            var actions = new List<TableTransactionAction>();
            if (entry is not null) actions.Add(new(TableTransactionActionType.Add, TimelineRow(tenantId, id, entry)));
            var stateIndex = actions.Count;
            var state = ConversationRows.ToRow(next, ConversationRows.StateKey(id));
            state["ActivityKey"] = ConversationRows.ActivityKey(next);
            actions.Add(existing is null
                ? new(TableTransactionActionType.Add, state)
                : new(TableTransactionActionType.UpdateReplace, state, new ETag(existing.ETag!)));
            var oldActivity = existing is null ? null : row.Value!.GetString("ActivityKey");
            var deleteIndex = -1;
            if (dropOldActivity && oldActivity is not null && oldActivity != ConversationRows.ActivityKey(next))
            {
                deleteIndex = actions.Count;
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(tenantId, oldActivity), ETag.All));
            }
            actions.Add(new(TableTransactionActionType.UpsertReplace, ConversationRows.ToRow(next, ConversationRows.ActivityKey(next))));
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return next with { ETag = response.Value[stateIndex].Headers.ETag?.ToString() };
            }
            catch (TableTransactionFailedException e) when (entry is not null && e.FailedTransactionActionIndex == 0 && e.Status == 409)
            {
                return null; // recorded before: a retry of the same message or reply
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == stateIndex && e.Status is 409 or 412)
            {
                // another write won: read again
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == deleteIndex && e.Status == 404)
            {
                dropOldActivity = false; // its activity row is gone already (retention stopped half-way): nothing to move
            }
        }
        throw ProblemException.StorageUnavailable(); // the conversation kept changing under us
    }

    /// <summary>Whether a human holds the conversation of this customer on this integration now.</summary>
    public async Task<bool> IsHumanAsync(string tenantId, int integrationId, string customerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await FindAsync(tenantId, Conversation.IdOf(integrationId, customerId), cancellationToken).ConfigureAwait(false) is { } c
        && c.StatusAt(now) == ConversationStatus.Human;

    /// <summary>One page of conversations, newest activity first; the cursor is the activity key of the page's last one.</summary>
    public async Task<(IReadOnlyList<Conversation> Page, string? Cursor)> ListAsync(
        string tenantId, ConversationFilter filter, DateTimeOffset now, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        if (cursor is not null && !ConversationRows.IsActivityKey(cursor))
            throw ProblemException.Validation("cursor", "Not a cursor this API gave out; start again without it.");
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {cursor ?? ConversationRows.ActivityPrefix} and RowKey lt {"a."}");
        // A human's time running out is read, not written: the filter asks for it the same way StatusAt does.
        query += filter.Status switch
        {
            ConversationStatus.Human => TableClient.CreateQueryFilter($" and Status eq {"human"} and HumanUntil gt {now}"),
            ConversationStatus.Agent => TableClient.CreateQueryFilter($" and (Status eq {"agent"} or (Status eq {"human"} and HumanUntil le {now}))"),
            ConversationStatus.Closed => TableClient.CreateQueryFilter($" and Status eq {"closed"}"),
            _ => "",
        };
        if (filter.IntegrationId is { } integrationId) query += TableClient.CreateQueryFilter($" and IntegrationId eq {integrationId}");
        if (filter.UnreadOnly) query += TableClient.CreateQueryFilter($" and Unread gt {0}");
        var page = new List<Conversation>(pageSize);
        await foreach (var row in table.QueryAsync<TableEntity>(query, maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (page.Count == pageSize) return (page, ConversationRows.ActivityKey(page[^1]));
            page.Add(ConversationRows.FromRow(row));
        }
        return (page, null);
    }

    /// <summary>One page of a conversation's timeline, oldest first; the cursor is the row key of the page's last entry.</summary>
    public async Task<(IReadOnlyList<TimelineEntry> Page, string? Cursor)> TimelineAsync(
        string tenantId, string id, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        if (cursor is not null && !ConversationRows.IsTimelineKey(id, cursor))
            throw ProblemException.Validation("cursor", "Not a cursor this API gave out; start again without it.");
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var start = ConversationRows.TimelineStart(id);
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {cursor ?? start} and RowKey lt {start + "~"}");
        var page = new List<(TimelineEntry Entry, string Key)>(pageSize);
        await foreach (var row in table.QueryAsync<TableEntity>(query, maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (page.Count == pageSize) return (page.Select(p => p.Entry).ToList(), page[^1].Key);
            page.Add((new TimelineEntry(row.GetString("Kind") == "in", row.GetString("ItemId") ?? "", row.GetString("MessageKey"),
                row.GetDateTimeOffset(ConversationRows.TimelineAt) ?? default), row.RowKey));
        }
        return (page.Select(p => p.Entry).ToList(), null);
    }

    private static TableEntity TimelineRow(string tenantId, string id, TimelineEntry entry) =>
        new(tenantId, ConversationRows.TimelineKey(id, entry.At, entry.ItemId))
        {
            ["Kind"] = entry.Inbound ? "in" : "human", ["ItemId"] = entry.ItemId, ["MessageKey"] = entry.MessageRowKey,
            [ConversationRows.TimelineAt] = entry.At,
        };

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Conversations, cancellationToken);
}
