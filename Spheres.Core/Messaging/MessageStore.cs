using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Plans;
using Spheres.Core.Storage;

namespace Spheres.Core.Messaging;

/// <summary>
/// Inbound messages and the monthly usage counter, in the tenant's partition of <c>Messages</c>.
/// Row keys sort newest first. A message and the counter it increments are written in one
/// transaction, so a message is counted exactly when it is stored.
/// </summary>
public sealed class MessageStore(SpheresStorage storage)
{
    private const string MessagePrefix = "m-";

    public enum StoreOutcome { Stored, Duplicate, UsageChanged }

    public sealed record Usage(int Count, ETag? ETag);

    public async Task<Usage> ReadUsageAsync(string tenantId, UsagePeriod period, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, period.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? new Usage(row.Value!.GetInt32("MessagesUsed") ?? 0, row.Value.ETag) : new Usage(0, null);
    }

    /// <summary>
    /// Inserts the message (and, when <paramref name="countAgainst"/> is given, the counter
    /// incremented from the value read with its ETag), all or nothing.
    /// </summary>
    /// <returns>The outcome, the message (with its ETag when stored) and, when it was counted, the counter as written.</returns>
    public async Task<(StoreOutcome Outcome, InboundMessage Message, Usage? Counter)> TryStoreAsync(
        InboundMessage message, (UsagePeriod Period, Usage Read)? countAgainst, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToRow(message)) };
        if (countAgainst is { } usage)
        {
            var counter = new TableEntity(message.TenantId, usage.Period.RowKey) { ["MessagesUsed"] = usage.Read.Count + 1 };
            actions.Add(usage.Read.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, counter, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, counter));
        }
        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            var counter = countAgainst is { } counted ? new Usage(counted.Read.Count + 1, response.Value[1].Headers.ETag) : null;
            return (StoreOutcome.Stored, message with { ETag = response.Value[0].Headers.ETag?.ToString() }, counter);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status == 409)
        {
            return (StoreOutcome.Duplicate, message, null);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 1 && e.Status is 409 or 412)
        {
            return (StoreOutcome.UsageChanged, message, null);
        }
    }

    public async Task<InboundMessage?> FindAsync(string tenantId, InboundMessage like, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, Key(like), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Takes over enqueuing a stored message whose earlier attempt stopped half-way; false when someone else did.</summary>
    public async Task<InboundMessage?> TryClaimAsync(InboundMessage message, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var claimed = message with { ClaimedUntil = until };
        try
        {
            var response = await table.UpdateEntityAsync(ToRow(claimed), new ETag(message.ETag!), TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
            return claimed with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task MarkEnqueuedAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(message.TenantId, Key(message)) { ["Enqueued"] = true }, ETag.All,
            TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a claim early so the provider's retry can enqueue at once.</summary>
    public async Task ReleaseClaimAsync(InboundMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(message.TenantId, Key(message)) { ["ClaimedUntil"] = now }, ETag.All,
            TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of messages, newest first; the cursor is the storage continuation token.</summary>
    public async Task<(IReadOnlyList<InboundMessage> Page, string? Cursor)> ListAsync(
        string tenantId, int? integrationId, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {MessagePrefix} and RowKey lt {"m."}");
        if (integrationId is { } id) filter += TableClient.CreateQueryFilter($" and IntegrationId eq {id}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(cursor, pageSize).ConfigureAwait(false))
        {
            return (page.Values.Select(FromRow).ToList(), page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>The row key of a stored message: what the embeddings queue names it by.</summary>
    public static string RowKeyOf(InboundMessage message) => Key(message);

    public static bool IsMessageRowKey(string rowKey) =>
        rowKey.Length is > 23 and < 64 && rowKey.StartsWith(MessagePrefix, StringComparison.Ordinal) && rowKey.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The text of a stored message and the model of its vector, if any.</summary>
    public async Task<(string Text, string? VectorModel)?> FindTextAsync(string tenantId, string rowKey, CancellationToken cancellationToken)
    {
        if (!IsMessageRowKey(rowKey)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, rowKey, ["Text", "VectorModel"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (row.Value!.GetString("Text") ?? "", row.Value.GetString("VectorModel")) : null;
    }

    /// <summary>Adds the message's vector (merge into a row that still exists; false when it is gone).</summary>
    public async Task<bool> SaveVectorAsync(string tenantId, string rowKey, byte[] vector, string modelId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(tenantId, rowKey) { ["Vector"] = vector, ["VectorModel"] = modelId }, ETag.All,
                TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Messages of any tenant received since <paramref name="since"/> whose vector is missing or from another model.</summary>
    public async IAsyncEnumerable<(string TenantId, string RowKey)> StaleVectorsAsync(
        string modelId, DateTimeOffset since, DateTimeOffset writtenBefore,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {MessagePrefix} and RowKey lt {"m."} and ReceivedAt ge {since} and Timestamp lt {writtenBefore}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "VectorModel"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.GetString("VectorModel") != modelId) yield return (row.PartitionKey, row.RowKey);
        }
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Messages, cancellationToken);

    /// <summary>Newest first: ticks counted down from the end of time, then the id.</summary>
    private static string Key(InboundMessage m) =>
        MessagePrefix + (DateTimeOffset.MaxValue.UtcTicks - m.ReceivedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + m.Id;

    private static TableEntity ToRow(InboundMessage m) => new(m.TenantId, Key(m))
    {
        ["Id"] = m.Id, ["IntegrationId"] = m.IntegrationId, ["Provider"] = m.Provider, ["ExternalId"] = m.ExternalId,
        ["Sender"] = m.Sender, ["Text"] = m.Text, ["ReceivedAt"] = m.ReceivedAt, ["Decision"] = m.Decision.ToString(),
        ["ReplyText"] = m.ReplyText, ["Enqueued"] = m.Enqueued, ["ClaimedUntil"] = m.ClaimedUntil,
    };

    private static InboundMessage FromRow(TableEntity e) => new(
        e.PartitionKey, e.GetInt32("IntegrationId") ?? 0, e.GetString("Id"), e.GetString("Provider"), e.GetString("ExternalId"),
        e.GetString("Sender"), e.GetString("Text") ?? "", e.GetDateTimeOffset("ReceivedAt") ?? default,
        Enum.Parse<MessageDecision>(e.GetString("Decision")), e.GetString("ReplyText"), e.GetBoolean("Enqueued") ?? false,
        e.GetDateTimeOffset("ClaimedUntil") ?? default)
    {
        ETag = e.ETag.ToString(),
    };
}
