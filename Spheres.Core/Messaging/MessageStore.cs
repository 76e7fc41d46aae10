using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Plans;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Messaging;

/// <summary>
/// Inbound messages and the monthly usage counter, in the tenant's partition of <c>Messages</c> (where the inbox keeps the
/// conversations too, so they change in the messages' transaction: <see cref="IConversationLog"/>).
/// A message is two rows written together: the message, keyed to sort newest first, and an
/// identity row keyed by the message id alone (from the provider's event id), so "already stored"
/// never depends on anything else the provider repeats. The counter it increments goes in the same
/// transaction, so a message is counted exactly when it is stored.
/// </summary>
public sealed partial class MessageStore(SpheresStorage storage)
{
    private const string MessagePrefix = "m-";
    private const string IdentityPrefix = "id-";

    /// <summary>When the message an identity row stands for was received: what retention deletes identity rows by.</summary>
    public const string IdentityReceivedAt = "IdentityOf";

    public enum StoreOutcome { Stored, Duplicate, UsageChanged }

    public sealed record Usage(int Count, ETag? ETag);

    public async Task<Usage> ReadUsageAsync(string tenantId, UsagePeriod period, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, period.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? new Usage(row.Value!.GetInt32("MessagesUsed") ?? 0, row.Value.ETag) : new Usage(0, null);
    }

    /// <summary>
    /// The rows of a new message, for a transaction in the tenant's partition: its identity row first (insert-if-absent, so a
    /// provider's retry fails there, with 409), then the message. Retention deletes identity rows by IdentityOf, after their
    /// messages (by ReceivedAt).
    /// </summary>
    public static IEnumerable<TableTransactionAction> InsertActions(InboundMessage message)
    {
        yield return new(TableTransactionActionType.Add, new TableEntity(message.TenantId, IdentityPrefix + message.Id)
        {
            ["MessageKey"] = Key(message), [IdentityReceivedAt] = message.ReceivedAt,
        });
        yield return new(TableTransactionActionType.Add, MessageRows.ToRow(message));
    }

    /// <summary>The month's counter raised by <paramref name="added"/> from the value read with its ETag (none read: the month's first).</summary>
    public static TableTransactionAction CounterAction(string tenantId, UsagePeriod period, Usage read, int added)
    {
        var counter = new TableEntity(tenantId, period.RowKey) { ["MessagesUsed"] = read.Count + added };
        return read.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, counter);
    }

    /// <summary>One entity-group transaction in <c>Messages</c>: the responses in the order of the actions, or <see cref="TableTransactionFailedException"/>.</summary>
    public async Task<IReadOnlyList<Response>> SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return (await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Inserts one message (and, when <paramref name="countAgainst"/> is given, the counter incremented from the value read with
    /// its ETag), all or nothing; the pipeline stores many at once (<see cref="MessageGroupCommit"/>).
    /// </summary>
    public async Task<(StoreOutcome Outcome, InboundMessage Message, Usage? Counter)> TryStoreAsync(
        InboundMessage message, (UsagePeriod Period, Usage Read)? countAgainst, CancellationToken cancellationToken)
    {
        var actions = InsertActions(message).ToList();
        if (countAgainst is { } usage) actions.Add(CounterAction(message.TenantId, usage.Period, usage.Read, 1));
        try
        {
            var responses = await SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
            var counter = countAgainst is { } counted ? new Usage(counted.Read.Count + 1, responses[2].Headers.ETag) : null;
            return (StoreOutcome.Stored, message with { ETag = responses[1].Headers.ETag?.ToString() }, counter);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status == 409)
        {
            return (StoreOutcome.Duplicate, message, null);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 2 && e.Status is 409 or 412)
        {
            return (StoreOutcome.UsageChanged, message, null);
        }
    }

    /// <summary>A message of the tenant by its id; null when the id is unknown, or could not be one of ours.</summary>
    public async Task<InboundMessage?> FindAsync(string tenantId, string messageId, CancellationToken cancellationToken)
    {
        if (!IsMessageId(messageId)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return await FindRowAsync(table, tenantId, messageId, cancellationToken).ConfigureAwait(false) is { } row ? MessageRows.FromRow(row) : null;
    }

    /// <summary>Exactly the shape <see cref="Key"/> makes: the prefix, 19 digits, a dash, a message id.</summary>
    private static bool IsMessageKey(string key) =>
        key.Length == MessagePrefix.Length + 19 + 1 + 24 && key.StartsWith(MessagePrefix, StringComparison.Ordinal)
        && key.AsSpan(MessagePrefix.Length, 19).ContainsAnyExceptInRange('0', '9') is false
        && key[MessagePrefix.Length + 19] == '-' && IsMessageId(key[(MessagePrefix.Length + 20)..]);

    /// <summary>Message ids are 24 lowercase hex digits (<see cref="IncomingMessage.MessageId"/>).</summary>
    public static bool IsMessageId(string? id) => id is { Length: 24 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Takes over enqueuing a stored message whose earlier attempt stopped half-way; false when someone else did.</summary>
    public async Task<InboundMessage?> TryClaimAsync(InboundMessage message, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var claimed = message with { ClaimedUntil = until };
        return await table.TryUpdateAsync(MessageRows.ToRow(claimed), new ETag(message.ETag!), cancellationToken).ConfigureAwait(false) is { } etag
            ? claimed with { ETag = etag.ToString() }
            : null;
    }

    public Task MarkEnqueuedAsync(InboundMessage message, CancellationToken cancellationToken) => MergeAsync(message, "Enqueued", true, cancellationToken);

    /// <summary>Ends a claim early so the provider's retry can enqueue at once.</summary>
    public Task ReleaseClaimAsync(InboundMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        MergeAsync(message, "ClaimedUntil", now, cancellationToken);

    /// <summary><see cref="MarkEnqueuedAsync"/> for messages of one tenant at once: one transaction.</summary>
    public Task MarkEnqueuedAsync(IReadOnlyList<InboundMessage> messages, CancellationToken cancellationToken) =>
        MergeAllAsync(messages, "Enqueued", true, cancellationToken);

    /// <summary><see cref="ReleaseClaimAsync"/> for messages of one tenant at once: one transaction.</summary>
    public Task ReleaseClaimsAsync(IReadOnlyList<InboundMessage> messages, DateTimeOffset now, CancellationToken cancellationToken) =>
        MergeAllAsync(messages, "ClaimedUntil", now, cancellationToken);

    private async Task MergeAsync(InboundMessage message, string column, object value, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(message.TenantId, Key(message)) { [column] = value }, ETag.All, TableUpdateMode.Merge,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task MergeAllAsync(IReadOnlyList<InboundMessage> messages, string column, object value, CancellationToken cancellationToken)
    {
        if (messages.Count == 1)
        {
            await MergeAsync(messages[0], column, value, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (messages.Count == 0) return;
        await SubmitAsync(messages.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
            new TableEntity(m.TenantId, Key(m)) { [column] = value }, ETag.All)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One page of messages, newest first. The cursor is the row key of the page's last message, so a
    /// cursor can only ever point into the caller's own partition and is checked before it is used.
    /// </summary>
    public async Task<(IReadOnlyList<InboundMessage> Page, string? Cursor)> ListAsync(
        string tenantId, int? integrationId, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        if (cursor is not null && !IsMessageKey(cursor))
        {
            throw ProblemException.Validation("cursor", "Not a cursor this API gave out; start again without it.");
        }
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {cursor ?? MessagePrefix} and RowKey lt {"m."}");
        if (integrationId is { } id) filter += TableClient.CreateQueryFilter($" and IntegrationId eq {id}");
        var page = new List<InboundMessage>(pageSize);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, 1000), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (page.Count == pageSize) return (page, Key(page[^1])); // one more exists: the next page starts after this one
            page.Add(MessageRows.FromRow(row));
        }
        return (page, null);
    }

    /// <summary>Messages of the tenant by their row keys (a conversation's timeline names them so), in one query per 20 keys.</summary>
    public async Task<IReadOnlyDictionary<string, InboundMessage>> FindByRowKeysAsync(string tenantId, IReadOnlyCollection<string> rowKeys,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, InboundMessage>(StringComparer.Ordinal);
        var keys = rowKeys.Where(IsMessageKey).Distinct().ToList();
        if (keys.Count == 0) return found;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in keys.Chunk(20))
        {
            var any = string.Join(" or ", chunk.Select(key => TableClient.CreateQueryFilter($"RowKey eq {key}")));
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}") + $" and ({any})",
                               cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                found[row.RowKey] = MessageRows.FromRow(row);
            }
        }
        return found;
    }

    /// <summary>The row key of a stored message: what the embeddings queue names it by.</summary>
    public static string RowKeyOf(InboundMessage message) => Key(message);

    public static bool IsMessageRowKey(string rowKey) =>
        rowKey.Length is > 23 and < 64 && rowKey.StartsWith(MessagePrefix, StringComparison.Ordinal) && rowKey.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Messages, cancellationToken);

    /// <summary>Newest first: ticks counted down from the end of time, then the id. Only lists rely on it; the identity row dedupes.</summary>
    private static string Key(InboundMessage m) =>
        MessagePrefix + (DateTimeOffset.MaxValue.UtcTicks - Newest(m).UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + m.Id;

    /// <summary>Lists order by when the customer wrote; a provider clock ahead of ours counts as now.</summary>
    private static DateTimeOffset Newest(InboundMessage m) => m.SentAt < m.ReceivedAt ? m.SentAt : m.ReceivedAt;

    /// <summary>
    /// Applies a customer's edit or delete to the message it names, if we stored it from the same sender: the row is replaced
    /// whole (ETag-checked, so a concurrent claim or vector write is read again), and its vector dropped with the words it
    /// stood for. False when there is no such message, or it was deleted already.
    /// </summary>
    public async Task<bool> TryChangeAsync(string tenantId, string messageId, string sender, Func<InboundMessage, InboundMessage> change,
        CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (await FindRowAsync(table, tenantId, messageId, cancellationToken).ConfigureAwait(false) is not { } row) return false;
            var stored = MessageRows.FromRow(row);
            if (stored.Deleted || stored.Sender != sender) return false;
            var changed = change(stored);
            row["Text"] = changed.Text;
            MessageRows.WriteContent(row, changed);
            row.Remove("Vector");
            row.Remove("VectorModel");
            if (await table.TryUpdateAsync(row, row.ETag, cancellationToken, TableUpdateMode.Replace).ConfigureAwait(false) is not null) return true;
        }
        throw ProblemException.StorageUnavailable(); // the row kept changing under us: let the provider retry
    }

    private static async Task<TableEntity?> FindRowAsync(TableClient table, string tenantId, string messageId, CancellationToken cancellationToken)
    {
        var identity = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, IdentityPrefix + messageId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!identity.HasValue || identity.Value!.GetString("MessageKey") is not { } key) return null;
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }
}
