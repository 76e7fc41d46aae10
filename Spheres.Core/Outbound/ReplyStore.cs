using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Outbound;

/// <summary>
/// Replies in the tenant's partition of <c>Replies</c>: one row per inbound message (<c>r-{message id}</c>),
/// created insert-if-absent and moved on only with its ETag, and one row per customer and closed
/// period (<c>ooh-…</c>) naming the message whose out-of-hours reply answers that period.
/// </summary>
public sealed class ReplyStore(SpheresStorage storage)
{
    private const string ReplyPrefix = "r-";
    private const string PeriodPrefix = "ooh-";

    /// <summary>The stored reply of the message, or <paramref name="candidate"/> as just stored when there was none.</summary>
    public async Task<Reply> GetOrCreateAsync(Reply candidate, CancellationToken cancellationToken) =>
        (await CreateOrFindAsync(candidate, cancellationToken).ConfigureAwait(false)).Reply;

    /// <summary>As <see cref="GetOrCreateAsync"/>, saying whether this call stored it (false: a reply with that id was there already).</summary>
    public async Task<(Reply Reply, bool Created)> CreateOrFindAsync(Reply candidate, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(ToRow(candidate), cancellationToken).ConfigureAwait(false);
            return (candidate with { ETag = response.Headers.ETag?.ToString() }, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await FindAsync(candidate.TenantId, candidate.MessageId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("A reply row that conflicted on insert is gone."), false);
        }
    }

    public async Task<Reply?> FindAsync(string tenantId, string messageId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ReplyPrefix + messageId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>The replies of a page of messages, by message id, in one query per 20 ids.</summary>
    public async Task<IReadOnlyDictionary<string, Reply>> FindManyAsync(string tenantId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Reply>(StringComparer.Ordinal);
        if (messageIds.Count == 0) return found;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in messageIds.Chunk(20))
        {
            var keys = string.Join(" or ", chunk.Select(id => TableClient.CreateQueryFilter($"RowKey eq {ReplyPrefix + id}")));
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}") + $" and ({keys})";
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var reply = FromRow(row);
                found[reply.MessageId] = reply;
            }
        }
        return found;
    }

    /// <summary>
    /// The replies of the tenant sent in [<paramref name="start"/>, <paramref name="end"/>): the message each answers (a human reply: its own id),
    /// kind, address and when it was sent, in pages of 1,000 with five columns. Reply rows are keyed by message, so this reads the
    /// partition's reply rows with the filter applied by storage.
    /// </summary>
    public async IAsyncEnumerable<(string MessageId, int IntegrationId, ReplyKind Kind, string Recipient, DateTimeOffset SentAt)> SentBetweenAsync(
        string tenantId, DateTimeOffset start, DateTimeOffset end, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and RowKey ge {ReplyPrefix} and RowKey lt {"r."} and Status eq {nameof(ReplyStatus.Sent)} and SentAt ge {start} and SentAt lt {end}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["MessageId", "IntegrationId", "Kind", "Recipient", "SentAt"],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetDateTimeOffset("SentAt") is { } sentAt && Enum.TryParse<ReplyKind>(row.GetString("Kind"), out var kind))
                yield return (row.GetString("MessageId") ?? "", row.GetInt32("IntegrationId") ?? 0, kind, row.GetString("Recipient") ?? "", sentAt);
        }
    }

    /// <summary>Writes <paramref name="next"/> if the row is still as <paramref name="next"/>'s ETag saw it; null when it changed meanwhile.</summary>
    public async Task<Reply?> TryUpdateAsync(Reply next, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return await table.TryUpdateAsync(ToRow(next), new ETag(next.ETag!), cancellationToken).ConfigureAwait(false) is { } etag
            ? next with { ETag = etag.ToString() }
            : null;
    }

    /// <summary>Writes <paramref name="next"/> whatever the row holds now (for a fact, such as the provider having sent it).</summary>
    public async Task OverwriteAsync(Reply next, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(ToRow(next), ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the out-of-hours reply of one closed period for one customer of one integration:
    /// insert-if-absent, so of all the messages of the period exactly one wins, however they race.
    /// </summary>
    /// <returns>The id of the message that holds the claim (this one, or the one before it).</returns>
    public async Task<string> ClaimPeriodAsync(string tenantId, int integrationId, string customer, string periodKey, string messageId,
        DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        // Hashed: a customer id (a phone number on WhatsApp) is not a key anyone should read or that may hold '/' or '#'.
        var customerHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customer)))[..24];
        var rowKey = $"{PeriodPrefix}{integrationId}-{customerHash}-{periodKey}";
        try
        {
            await table.AddEntityAsync(new TableEntity(tenantId, rowKey) { ["MessageId"] = messageId, [ClaimedAt] = claimedAt }, cancellationToken)
                .ConfigureAwait(false);
            return messageId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await table.GetEntityAsync<TableEntity>(tenantId, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return existing.Value.GetString("MessageId");
        }
    }

    /// <summary>
    /// Retention: every reply made before <paramref name="cutoff"/>, whatever its kind (agent, out-of-hours, quota, human), and every
    /// out-of-hours claim made before it. Claims written before they carried <see cref="ClaimedAt"/> go by their <c>Timestamp</c>
    /// (set once: a claim is never updated, and its <c>ClaimedAt</c>, the message's time, is never later).
    /// </summary>
    /// <returns>How many replies were deleted (claims not counted).</returns>
    public async Task<int> DeleteMadeBeforeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await BatchDeletes.DeleteMatchingAsync(table, TableFilters.TenantRowsBefore(tenantId, "CreatedAt", cutoff)
            + TableClient.CreateQueryFilter($" and RowKey ge {ReplyPrefix} and RowKey lt {"r."}"), cancellationToken).ConfigureAwait(false);
        await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter(
                $"PartitionKey eq {tenantId} and RowKey ge {PeriodPrefix} and RowKey lt {"ooh."} and (ClaimedAt lt {cutoff} or Timestamp lt {cutoff})"),
            cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private const string ClaimedAt = "ClaimedAt";

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Replies, cancellationToken);

    private static TableEntity ToRow(Reply r) => new(r.TenantId, ReplyPrefix + r.MessageId)
    {
        ["MessageId"] = r.MessageId, ["IntegrationId"] = r.IntegrationId, ["Kind"] = r.Kind.ToString(), ["Text"] = r.Text,
        ["Recipient"] = r.Recipient, ["Status"] = r.Status.ToString(), ["CreatedAt"] = r.CreatedAt, ["SentAt"] = r.SentAt,
        ["Error"] = r.Error, ["ProviderMessageId"] = r.ProviderMessageId, ["Attempts"] = r.Attempts,
        ["SendToken"] = r.SendToken, ["SendStartedAt"] = r.SendStartedAt,
    };

    private static Reply FromRow(TableEntity e) => new(
        e.PartitionKey, e.GetString("MessageId"), e.GetInt32("IntegrationId") ?? 0, Enum.Parse<ReplyKind>(e.GetString("Kind")),
        e.GetString("Text") ?? "", e.GetString("Recipient") ?? "", Enum.Parse<ReplyStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("SentAt"), e.GetString("Error"), e.GetString("ProviderMessageId"),
        e.GetInt32("Attempts") ?? 0, e.GetString("SendToken"), e.GetDateTimeOffset("SendStartedAt"))
    {
        ETag = e.ETag.ToString(),
    };
}
