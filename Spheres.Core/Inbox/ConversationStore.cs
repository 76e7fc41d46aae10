using System.Collections.Concurrent;
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
/// Conversations in the tenant's partition of <c>Messages</c> (rows: <see cref="ConversationRows"/>), beside the messages they
/// hold, so the pipeline adds a message to its conversation in the transaction that stores it (<see cref="IConversationLog"/>).
/// Every other change is one entity-group transaction over the conversation row (ETag-checked), its list row and, for a human
/// reply, its timeline row; a timeline row is insert-if-absent, so recording the same item twice changes nothing.
/// </summary>
public sealed class ConversationStore(SpheresStorage storage) : IConversationLog
{
    private const int MaxAttempts = 8;

    /// <summary>Conversations this instance wrote last, with their ETags: a customer's next message needs no read.</summary>
    private readonly ConcurrentDictionary<(string TenantId, string Id), Conversation> _written = new();

    /// <summary>Bounds <see cref="_written"/>; past it the copies are dropped (they are only a head start: a miss is one read).</summary>
    private const int MaxRemembered = 10_000;

    public async Task<Conversation?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!Conversation.IsId(id)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ConversationRows.StateKey(id), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? ConversationRows.FromRow(row.Value!) : null;
    }

    public async Task<IConversationRecord> OpenAsync(string tenantId, int integrationId, string customerId, bool fresh,
        CancellationToken cancellationToken)
    {
        var id = Conversation.IdOf(integrationId, customerId);
        var known = !fresh && _written.TryGetValue((tenantId, id), out var copy)
            ? copy
            : await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        return new ConversationRecord(this, tenantId, id, known);
    }

    internal void Remember(Conversation written)
    {
        if (_written.Count >= MaxRemembered) _written.Clear();
        _written[(written.TenantId, written.Id)] = written;
    }

    /// <summary>
    /// Adds a message stored before to its conversation (made on the first one), on its own; a message recorded before changes
    /// nothing. The pipeline does this in the message's own transaction instead (<see cref="OpenAsync"/>).
    /// </summary>
    public async Task RecordInboundAsync(InboundMessage m, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var record = await OpenAsync(m.TenantId, m.IntegrationId, m.Sender, fresh: true, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var actions = record.Record([m]);
            try
            {
                record.Committed((await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false)).Value);
                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status == 409)
            {
                return; // recorded before
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && e.Status is 404 or 409 or 412)
            {
                if (!record.Failed(index, e.Status))
                    record = await OpenAsync(m.TenantId, m.IntegrationId, m.Sender, fresh: true, cancellationToken).ConfigureAwait(false);
            }
        }
        throw ProblemException.StorageUnavailable(); // the conversation kept changing under us
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
            var existing = await FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
            if (change(existing) is not { } next) return null;
            var write = new ConversationWrite(existing) { DropOldActivity = dropOldActivity };
            var actions = write.Actions(tenantId, next, entry is null ? [] : [entry]);
            try
            {
                var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                var written = next with { ETag = response.Value[write.StateIndex].Headers.ETag?.ToString() };
                Remember(written);
                return written;
            }
            catch (TableTransactionFailedException e) when (entry is not null && e.FailedTransactionActionIndex == 0 && e.Status == 409)
            {
                return null; // recorded before: a retry of the same reply
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == write.StateIndex && e.Status is 409 or 412)
            {
                // another write won: read again
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == write.DeleteIndex && e.Status == 404)
            {
                dropOldActivity = false; // its list row is gone already (retention stopped half-way): nothing to move
            }
        }
        throw ProblemException.StorageUnavailable(); // the conversation kept changing under us
    }

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

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Messages, cancellationToken);
}
