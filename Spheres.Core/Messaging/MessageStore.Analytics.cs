using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Spheres.Core.Messaging;

/// <summary>What embeddings and analytics read and write of stored messages: their vectors, and the messages of a period.</summary>
public sealed partial class MessageStore
{
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

    /// <summary>How far ahead of our clock a provider's timestamp may be and still be found by <see cref="SentBetweenAsync"/>.</summary>
    public static readonly TimeSpan MaxProviderClockSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// The integration, sender and <c>SentAt</c> of every message of the tenant sent in [<paramref name="start"/>, <paramref name="end"/>),
    /// newest first, read in pages of 1,000 with three columns only (the key range: <see cref="BetweenAsync"/>).
    /// </summary>
    public async IAsyncEnumerable<(int IntegrationId, string Sender, DateTimeOffset SentAt)> SentBetweenAsync(
        string tenantId, DateTimeOffset start, DateTimeOffset end, int? integrationId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in BetweenAsync(tenantId, start, end, integrationId, null, ["IntegrationId", "Sender", "SentAt"], cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("SentAt") is { } sentAt) yield return (row.GetInt32("IntegrationId") ?? 0, row.GetString("Sender") ?? "", sentAt);
        }
    }

    /// <summary>
    /// The id, integration, reply address (<see cref="InboundMessage.Recipient"/>) and <c>SentAt</c> of every message of the tenant sent in
    /// [<paramref name="start"/>, <paramref name="end"/>), newest first, in pages of 1,000 with five columns: what the response analytics pair replies with.
    /// </summary>
    public async IAsyncEnumerable<(string Id, int IntegrationId, string Recipient, DateTimeOffset SentAt)> AddressedBetweenAsync(
        string tenantId, DateTimeOffset start, DateTimeOffset end, int? integrationId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in BetweenAsync(tenantId, start, end, integrationId, null, ["Id", "IntegrationId", "Sender", "ReplyRecipient", "SentAt"],
                           cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Id") is { } id && row.GetDateTimeOffset("SentAt") is { } sentAt)
                yield return (id, row.GetInt32("IntegrationId") ?? 0, row.GetString("ReplyRecipient") ?? row.GetString("Sender") ?? "", sentAt);
        }
    }

    /// <summary>
    /// The id, text and vector of every message of the tenant sent in [<paramref name="start"/>, <paramref name="end"/>) that has a
    /// vector of <paramref name="modelId"/>, newest first, in pages of 1,000 with four columns (the key range: <see cref="BetweenAsync"/>).
    /// </summary>
    public async IAsyncEnumerable<(string Id, string Text, byte[] Vector)> EmbeddedBetweenAsync(
        string tenantId, DateTimeOffset start, DateTimeOffset end, int? integrationId, string modelId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in BetweenAsync(tenantId, start, end, integrationId, TableClient.CreateQueryFilter($" and VectorModel eq {modelId}"),
                           ["Id", "Text", "Vector", "VectorModel"], cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("Id") is { } messageId && row.GetBinary("Vector") is { } vector) yield return (messageId, row.GetString("Text") ?? "", vector);
        }
    }

    /// <summary>
    /// Messages sent in [<paramref name="start"/>, <paramref name="end"/>), newest first, in pages of 1,000 with <paramref name="columns"/> only.
    /// The row key orders by the earlier of SentAt and ReceivedAt, so the key range bounds the scan (widened by
    /// <see cref="MaxProviderClockSkew"/>) and SentAt filters exactly.
    /// </summary>
    private async IAsyncEnumerable<TableEntity> BetweenAsync(string tenantId, DateTimeOffset start, DateTimeOffset end, int? integrationId,
        string? andFilter, string[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var newest = MessagePrefix + Inverted(end);
        var oldest = MessagePrefix + Inverted(start - MaxProviderClockSkew) + "~";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and RowKey gt {newest} and RowKey lt {oldest} and SentAt ge {start} and SentAt lt {end}") + andFilter;
        if (integrationId is { } id) filter += TableClient.CreateQueryFilter($" and IntegrationId eq {id}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: columns, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            yield return row;
        }
    }

    private static string Inverted(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
