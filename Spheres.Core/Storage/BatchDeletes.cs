using Azure;
using Azure.Data.Tables;

namespace Spheres.Core.Storage;

/// <summary>
/// Deletes every row a query matches, one page at a time, in entity-group transactions of at most 100
/// rows of one partition. Nothing is held in memory beyond one page of keys. Deleting again is harmless.
/// </summary>
public static class BatchDeletes
{
    public const int MaxOperationsPerTransaction = 100;
    private const int PageSize = 1000;

    /// <returns>How many rows were deleted.</returns>
    public static async Task<int> DeleteMatchingAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var deleted = 0;
        // One pass: a continuation token names the next key, so deleting the rows of a page does not disturb the next one.
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: ["PartitionKey", "RowKey"],
                           cancellationToken: cancellationToken).AsPages(pageSizeHint: PageSize).ConfigureAwait(false))
        {
            foreach (var partition in page.Values.GroupBy(k => k.PartitionKey))
            {
                foreach (var chunk in partition.Chunk(MaxOperationsPerTransaction))
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey), ETag.All)),
                        cancellationToken).ConfigureAwait(false);
                    deleted += chunk.Length;
                }
            }
        }
        return deleted;
    }
}
