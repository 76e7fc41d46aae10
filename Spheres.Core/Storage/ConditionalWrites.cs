using Azure;
using Azure.Data.Tables;

namespace Spheres.Core.Storage;

/// <summary>Optimistic concurrency on Table Storage: a write that only lands on the version the caller read.</summary>
public static class ConditionalWrites
{
    /// <summary>
    /// Updates <paramref name="entity"/> if the row still has <paramref name="etag"/>; the new ETag, or null
    /// when the row changed or went meanwhile (412/404): the caller reads again or gives up.
    /// </summary>
    public static async Task<ETag?> TryUpdateAsync(this TableClient table, ITableEntity entity, ETag etag, CancellationToken cancellationToken,
        TableUpdateMode mode = TableUpdateMode.Replace)
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, etag, mode, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag ?? etag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }
}
