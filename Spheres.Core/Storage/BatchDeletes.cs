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
        while (true)
        {
            // Always the first page again: the rows of the previous page are gone, so it holds the next ones.
            var keys = new List<TableEntity>();
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: ["PartitionKey", "RowKey"],
                               cancellationToken: cancellationToken).AsPages(pageSizeHint: PageSize).ConfigureAwait(false))
            {
                keys.AddRange(page.Values);
                if (keys.Count > 0) break; // a page may come back empty with a continuation; read on until rows or the end
            }
            if (keys.Count == 0) return deleted;
            foreach (var partition in keys.GroupBy(k => k.PartitionKey))
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
    }
}
