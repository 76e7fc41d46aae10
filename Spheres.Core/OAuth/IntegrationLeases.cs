using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>A held lease: only its holder may release it (its ETag), and it lapses by itself at <see cref="Until"/>.</summary>
public sealed record IntegrationLease(string TenantId, string RowKey, ETag ETag, DateTimeOffset Until);

/// <summary>
/// "One worker per integration at a time, across instances": a lease row beside the integration, in the
/// tenant's partition of <c>Integrations</c> (so account erasure removes it with the partition; integration
/// lists read only <c>int-</c> rows). Taken with insert-if-absent, or by an ETag-checked takeover of a lapsed
/// lease, so of two contenders exactly one wins. A crashed holder blocks only until its lease lapses.
/// </summary>
public sealed class IntegrationLeases(SpheresStorage storage, TimeProvider time)
{
    public async Task<IntegrationLease?> TryAcquireAsync(string tenantId, int integrationId, string purpose, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Integrations, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var row = new TableEntity(tenantId, Key(purpose, integrationId)) { ["Until"] = now + duration };
        try
        {
            var added = await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return new IntegrationLease(tenantId, row.RowKey, added.Headers.ETag ?? ETag.All, now + duration);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        var held = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!held.HasValue || held.Value!.GetDateTimeOffset("Until") is not { } until || until > now) return null;
        // Lapsed: take it over, unless another contender did first.
        return await table.TryUpdateAsync(row, held.Value.ETag, cancellationToken).ConfigureAwait(false) is { } etag
            ? new IntegrationLease(tenantId, row.RowKey, etag, now + duration)
            : null;
    }

    /// <summary>Best effort: a lease not released lapses by itself.</summary>
    public async Task ReleaseAsync(IntegrationLease lease)
    {
        try
        {
            var table = await storage.TableAsync(TableNames.Integrations, CancellationToken.None).ConfigureAwait(false);
            await table.DeleteEntityAsync(lease.TenantId, lease.RowKey, lease.ETag, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
        }
    }

    private static string Key(string purpose, int integrationId) => $"lease-{purpose}-{integrationId.ToString("D6", CultureInfo.InvariantCulture)}";
}
