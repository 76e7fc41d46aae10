using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Spheres.Core.Storage;

namespace Spheres.Core.Analytics;

/// <summary>
/// Computed analytics per tenant and period in the <c>Analytics</c> table, with the freshness rule in one place:
/// the tenant's <c>stamp</c> row is rewritten whenever its data changes (a message got its vector, a review its analysis,
/// a review was deleted, working hours were edited), so its ETag
/// names "the data as of now". A result is stored with the stamp ETag read <em>before</em> its data was read, and is
/// fresh while the stamp still has that ETag (and it is younger than <see cref="MaxAge"/>, for deletions by
/// retention): data arriving during a computation changes the stamp, so that result is never taken for current.
/// Results are gzip'd JSON in binary columns of 60 KB (a property holds 64 KB, a row 1 MB).
/// <para>Rows per tenant are bounded whatever periods are asked for: each report has one pinned row (the default period,
/// which the background keeps fresh) and <see cref="SlotsPerReport"/> slots the other periods share by hash, each row
/// naming the key it holds (a newer key evicts the older). At most 3 × (1 + <see cref="SlotsPerReport"/>) + 1 rows.</para>
/// </summary>
public sealed class AnalyticsCache(SpheresStorage storage, TimeProvider time, ILogger<AnalyticsCache> logger)
{
    private const string StampRow = "stamp";
    private const int ChunkBytes = 60_000;
    private const int MaxChunks = 15;
    private const string NoStamp = "none";

    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public const int SlotsPerReport = 16;

    /// <summary>New data for the tenant: every result stored before is stale.</summary>
    public async Task TouchAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(tenantId, StampRow) { ["ChangedAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// For changes the caller has already committed: a touch that fails is logged, not thrown (the edit stands; the
    /// results go stale after <see cref="MaxAge"/> at the latest).
    /// </summary>
    public async Task TouchQuietlyAsync(string tenantId)
    {
        try
        {
            await TouchAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Azure.RequestFailedException || StorageFailures.IsUnavailable(e, CancellationToken.None))
        {
            logger.LogWarning("Analytics of tenant {TenantId} not marked stale ({Error})", tenantId, e.GetType().Name);
        }
    }

    /// <summary>The tenant's data version: read it before reading the data a result is computed from.</summary>
    public async Task<string> StampAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, StampRow, ["ChangedAt"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.ETag.ToString() : NoStamp;
    }

    /// <summary>The result stored under <paramref name="key"/> if it was computed from the data <paramref name="stamp"/> names.</summary>
    public async Task<T?> FindAsync<T>(string tenantId, string key, bool pinned, string stamp, CancellationToken cancellationToken) where T : class
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKeyOf(key, pinned), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetString("Key") != key || row.Value.GetString("Stamp") != stamp || row.Value.GetDateTimeOffset("ComputedAt") is not { } at || time.GetUtcNow() - at > MaxAge)
            return null;
        using var zipped = new MemoryStream();
        for (var i = 0; row.Value.GetBinary($"Json{i}") is { } chunk; i++) zipped.Write(chunk);
        zipped.Position = 0;
        await using var json = new GZipStream(zipped, CompressionMode.Decompress);
        return await JsonSerializer.DeserializeAsync<T>(json, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a result computed from the data <paramref name="stamp"/> named, and <paramref name="size"/> (how many
    /// rows it took: what the next computation will cost). A result too large for a row is not stored.
    /// </summary>
    public async Task SaveAsync<T>(string tenantId, string key, bool pinned, string stamp, T value, int size, CancellationToken cancellationToken)
    {
        using var zipped = new MemoryStream();
        await using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await JsonSerializer.SerializeAsync(gzip, value, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var bytes = zipped.ToArray();
        if (bytes.Length > ChunkBytes * MaxChunks) return;
        var row = new TableEntity(tenantId, RowKeyOf(key, pinned)) { ["Key"] = key, ["Stamp"] = stamp, ["ComputedAt"] = time.GetUtcNow(), ["Size"] = size };
        for (var i = 0; i * ChunkBytes < bytes.Length; i++) row[$"Json{i}"] = bytes[(i * ChunkBytes)..Math.Min(bytes.Length, (i + 1) * ChunkBytes)];
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the result under <paramref name="key"/> was computed and from how many rows, whatever its stamp (null when none is stored).</summary>
    public async Task<(DateTimeOffset At, int Size)?> ComputedAsync(string tenantId, string key, bool pinned, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, RowKeyOf(key, pinned), ["Key", "ComputedAt", "Size"], cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("Key") == key && row.Value.GetDateTimeOffset("ComputedAt") is { } at ? (at, row.Value.GetInt32("Size") ?? 0) : null;
    }

    /// <summary><c>{report}.pinned</c>, or one of the report's slots by a stable hash of the key (never <c>string.GetHashCode</c>: it differs per process).</summary>
    private static string RowKeyOf(string key, bool pinned)
    {
        var report = key[..Math.Max(0, key.IndexOf('.', StringComparison.Ordinal))];
        if (pinned) return report + ".pinned";
        var hash = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        return $"{report}.slot-{hash % SlotsPerReport:D2}";
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Analytics, cancellationToken);
}
