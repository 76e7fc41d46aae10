using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Inbox;

/// <summary>A human reply written but maybe not queued: who wrote it where, and since when.</summary>
public sealed record UnqueuedReply(string TenantId, string ConversationId, string ReplyId, DateTimeOffset Since);

/// <summary>
/// Human replies between their row and their <c>auto-replies</c> message. The request that writes a reply notes it here first
/// and clears the note once the message is queued (or the reply is marked failed): a note that stays means the process stopped,
/// or storage failed, in between, and <see cref="InboxService.RequeueUnqueuedAsync"/> queues the reply after all. One global
/// partition: notes live for the length of a request, so it holds the few replies in flight, never a tenant's history.
/// </summary>
public sealed class UnqueuedReplies(SpheresStorage storage)
{
    private const string Partition = "human";

    /// <summary>How many notes one sweep reads: a bound on its work, the rest wait for the next sweep.</summary>
    public const int MaxPerSweep = 500;

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.UnqueuedReplies, cancellationToken);

    // Tenant and reply in the key: a retry of the same reply (its Idempotency-Key) writes the same note again.
    private static string RowKey(string tenantId, string replyId) => tenantId + "_" + replyId;

    public async Task NoteAsync(UnqueuedReply reply, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(Partition, RowKey(reply.TenantId, reply.ReplyId))
        {
            ["TenantId"] = reply.TenantId, ["ConversationId"] = reply.ConversationId, ["ReplyId"] = reply.ReplyId, ["Since"] = reply.Since,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task ClearAsync(string tenantId, string replyId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(Partition, RowKey(tenantId, replyId), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Cleared already (by a sweep, or by the request this one retries).
        }
    }

    /// <summary>Notes written before <paramref name="cutoff"/>, at most <see cref="MaxPerSweep"/>.</summary>
    public async Task<IReadOnlyList<UnqueuedReply>> NotedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var notes = new List<UnqueuedReply>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Since lt {cutoff}"),
                           maxPerPage: MaxPerSweep, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("TenantId") is { } tenant && row.GetString("ConversationId") is { } conversation && row.GetString("ReplyId") is { } reply
                && row.GetDateTimeOffset("Since") is { } since)
                notes.Add(new UnqueuedReply(tenant, conversation, reply, since));
            if (notes.Count == MaxPerSweep) break;
        }
        return notes;
    }
}
