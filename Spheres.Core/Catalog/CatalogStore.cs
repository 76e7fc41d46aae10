using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Catalog;

/// <summary>
/// The catalog in Table Storage: one partition holding every sphere row, every type row and a
/// version row. A reseed writes all of them in one entity-group transaction (31 + 1 rows, under
/// the 100-operation limit), so a reader sees the old catalog or the new one, never a mix.
/// </summary>
public sealed partial class CatalogStore(SpheresStorage storage)
{
    private const string Partition = "catalog";
    private const string VersionRow = "version";
    private const string SpherePrefix = "sphere-";
    private const string TypePrefix = "type-";
    private const int MaxReseedAttempts = 5;

    public async Task<long?> ReadVersionAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Catalog, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, VersionRow, ["Version"], cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetInt64("Version") : null;
    }

    /// <summary>Reads the whole catalog in one single-partition query; null when it was never seeded.</summary>
    public async Task<CatalogSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Catalog, cancellationToken).ConfigureAwait(false);
        var rows = await ReadPartitionAsync(table, cancellationToken).ConfigureAwait(false);
        if (!rows.TryGetValue(VersionRow, out var version))
        {
            return null;
        }
        // Overrides sit beside the seed rows and are applied on top of them: a reseed rewrites the seed, never these.
        var overrides = rows.Values.Where(r => r.RowKey.StartsWith(OverridePrefix, StringComparison.Ordinal)).Select(ToOverride)
            .ToDictionary(o => (o.Kind, o.Id));
        var spheres = rows.Values.Where(r => r.RowKey.StartsWith(SpherePrefix, StringComparison.Ordinal)).Select(ToSphere)
            .Select(s => overrides.TryGetValue((CatalogItemKind.Sphere, s.Id), out var o) ? o.Apply(s) : s);
        var types = rows.Values.Where(r => r.RowKey.StartsWith(TypePrefix, StringComparison.Ordinal)).Select(ToType)
            .Select(t => overrides.TryGetValue((CatalogItemKind.IntegrationType, t.Id), out var o) ? o.Apply(t) : t);
        return new CatalogSnapshot(spheres, types, version.GetInt64("Version") ?? 0, overrides.Values);
    }

    /// <summary>
    /// Makes storage hold exactly <paramref name="seed"/>. Idempotent: when nothing differs nothing
    /// is written. Two reseeds at once are safe: the version row's ETag makes the loser's
    /// transaction fail whole, and it re-reads and tries again.
    /// </summary>
    /// <returns>The catalog version storage holds afterwards.</returns>
    public async Task<long> ReseedAsync(CatalogSnapshot seed, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Catalog, cancellationToken).ConfigureAwait(false);
        var wanted = seed.Spheres.Select(FromSphere).Concat(seed.IntegrationTypes.Select(FromType)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadPartitionAsync(table, cancellationToken).ConfigureAwait(false);
            existing.Remove(VersionRow, out var versionRow);
            foreach (var key in existing.Keys.Where(k => k.StartsWith(OverridePrefix, StringComparison.Ordinal)).ToList())
            {
                existing.Remove(key); // not the seed's: operators' overrides survive every reseed
            }
            var actions = PlanChanges(wanted, existing);
            if (actions.Count == 0 && versionRow is not null)
            {
                return versionRow.GetInt64("Version") ?? 0;
            }

            var nextVersion = (versionRow?.GetInt64("Version") ?? 0) + 1;
            var newVersionRow = new TableEntity(Partition, VersionRow)
            {
                ["Version"] = nextVersion,
                ["ContentHash"] = ContentHash(wanted),
            };
            actions.Add(versionRow is null
                ? new TableTransactionAction(TableTransactionActionType.Add, newVersionRow)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, newVersionRow, versionRow.ETag));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return nextVersion;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404 && attempt < MaxReseedAttempts)
            {
                // Another reseed won the race; re-read and converge on the same content.
            }
        }
    }

    private static List<TableTransactionAction> PlanChanges(List<TableEntity> wanted, Dictionary<string, TableEntity> existing)
    {
        var actions = new List<TableTransactionAction>();
        foreach (var row in wanted)
        {
            if (!existing.Remove(row.RowKey, out var current))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            }
            else if (!SameContent(row, current))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, current.ETag));
            }
        }
        // Rows the seed no longer has (a type removed from catalog.json) go too.
        actions.AddRange(existing.Values.Select(stale =>
            new TableTransactionAction(TableTransactionActionType.Delete, stale, stale.ETag)));
        return actions;
    }

    private static async Task<Dictionary<string, TableEntity>> ReadPartitionAsync(TableClient table, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        // Audit rows sort after '~' and are not part of the catalog: the read stops before them.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey lt {AuditPrefix}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows[row.RowKey] = row;
        }
        return rows;
    }

    private static bool SameContent(TableEntity wanted, TableEntity current) =>
        wanted.Keys.Where(IsDataColumn).All(k => Equals(Normalize(wanted[k]), Normalize(current.TryGetValue(k, out var v) ? v : null)))
        && current.Keys.Where(IsDataColumn).All(wanted.ContainsKey);

    private static bool IsDataColumn(string key) => key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag");

    private static object? Normalize(object? value) => value is int i ? (long)i : value;

    private static string ContentHash(IEnumerable<TableEntity> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            text.Append(row.RowKey);
            foreach (var key in row.Keys.Where(IsDataColumn).Order(StringComparer.Ordinal))
            {
                text.Append('|').Append(key).Append('=').Append(row[key]);
            }
            text.Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Key(string prefix, int id) => prefix + id.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity FromSphere(Sphere s) => new(Partition, Key(SpherePrefix, s.Id))
    {
        ["Id"] = s.Id, ["Slug"] = s.Slug, ["Name"] = s.Name, ["Description"] = s.Description,
        ["Icon"] = s.Icon, ["Color"] = s.Color, ["IsActive"] = s.IsActive, ["Order"] = s.Order,
    };

    private static Sphere ToSphere(TableEntity e) => new(
        e.GetInt32("Id") ?? 0, e.GetString("Slug"), e.GetString("Name"), e.GetString("Description"),
        e.GetString("Icon"), e.GetString("Color"), e.GetBoolean("IsActive") ?? false, e.GetInt32("Order") ?? 0);

    private static TableEntity FromType(IntegrationType t)
    {
        var row = new TableEntity(Partition, Key(TypePrefix, t.Id))
        {
            ["Id"] = t.Id, ["Slug"] = t.Slug, ["Name"] = t.Name, ["IntegrationType"] = t.IntegrationKind,
            ["Description"] = t.Description, ["Spheres"] = JsonSerializer.Serialize(t.Spheres),
            ["SupportsWebhooks"] = t.SupportsWebhooks, ["SupportsWorkingHours"] = t.SupportsWorkingHours,
            ["AvailableCountries"] = JsonSerializer.Serialize(t.AvailableCountries),
            ["IsActive"] = t.IsActive, ["Order"] = t.Order, ["Icon"] = t.Icon,
        };
        if (t.OauthProvider is not null)
        {
            row["OauthProvider"] = t.OauthProvider;
        }
        return row;
    }

    private static IntegrationType ToType(TableEntity e) => new(
        e.GetInt32("Id") ?? 0, e.GetString("Slug"), e.GetString("Name"), e.GetString("IntegrationType"),
        e.GetString("Description"), JsonSerializer.Deserialize<List<string>>(e.GetString("Spheres") ?? "[]") ?? [],
        e.GetString("OauthProvider"), e.GetBoolean("SupportsWebhooks") ?? false, e.GetBoolean("SupportsWorkingHours") ?? false,
        JsonSerializer.Deserialize<List<string>>(e.GetString("AvailableCountries") ?? "[]") ?? [],
        e.GetBoolean("IsActive") ?? false, e.GetInt32("Order") ?? 0, e.GetString("Icon") ?? "");
}
