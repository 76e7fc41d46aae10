using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;

namespace Spheres.Core.Catalog;

/// <summary>One change an operator made: which item, what it served before and after, when, and who said they made it.</summary>
public sealed record CatalogAuditEntry(CatalogItemKind Kind, string Slug, string Action, JsonObject Before, JsonObject After, DateTimeOffset At, string Who);

/// <summary>
/// Overrides live in the catalog partition beside the seed rows (<c>override-sphere-0002</c>), audit rows
/// after them (<c>~audit-…</c>, newest first). An override is written in one entity-group transaction
/// with the version row (ETag-guarded, so every instance reloads within its refresh interval) and its
/// audit row: the change, its announcement and its record happen together or not at all.
/// </summary>
public sealed partial class CatalogStore
{
    private const string OverridePrefix = "override-";
    private const string AuditPrefix = "~audit-";

    /// <summary>
    /// Sets (or, when <paramref name="fields"/> is empty, removes) the override of one item, if the
    /// catalog is still at <paramref name="basedOnVersion"/>; null when it moved meanwhile (read again and retry).
    /// </summary>
    /// <returns>The new catalog version.</returns>
    public async Task<long?> TryWriteOverrideAsync(
        CatalogItemKind kind, int id, IReadOnlyDictionary<string, JsonNode> fields, bool hadOverride, long basedOnVersion,
        CatalogAuditEntry audit, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Storage.TableNames.Catalog, cancellationToken).ConfigureAwait(false);
        var version = await table.GetEntityIfExistsAsync<TableEntity>(Partition, VersionRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!version.HasValue || (version.Value!.GetInt64("Version") ?? 0) != basedOnVersion)
        {
            return null;
        }
        var overrideRow = new TableEntity(Partition, OverrideKey(kind, id))
        {
            ["Kind"] = kind.ToString(), ["Id"] = id, ["Fields"] = new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.DeepClone()))).ToJsonString(),
        };
        var nextVersion = basedOnVersion + 1;
        var actions = new List<TableTransactionAction>
        {
            // Merge keeps the seed's content hash on the version row; the ETag makes a concurrent reseed or override lose whole.
            new(TableTransactionActionType.UpdateMerge, new TableEntity(Partition, VersionRow) { ["Version"] = nextVersion }, version.Value.ETag),
            fields.Count > 0
                ? new(TableTransactionActionType.UpsertReplace, overrideRow)
                : new(TableTransactionActionType.Delete, overrideRow, ETag.All),
            new(TableTransactionActionType.Add, ToAuditRow(audit)),
        };
        if (fields.Count == 0 && !hadOverride) actions.RemoveAt(1);
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return nextVersion;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    /// <summary>One page of the audit trail, newest first; the cursor is the storage continuation token.</summary>
    public async Task<(IReadOnlyList<CatalogAuditEntry> Page, string? Cursor)> ListAuditAsync(int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Storage.TableNames.Catalog, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {AuditPrefix} and RowKey lt {"~audit."}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(cursor, pageSize).ConfigureAwait(false))
        {
            return (page.Values.Select(FromAuditRow).ToList(), page.ContinuationToken);
        }
        return ([], null);
    }

    private static string OverrideKey(CatalogItemKind kind, int id) =>
        OverridePrefix + Key(kind == CatalogItemKind.Sphere ? SpherePrefix : TypePrefix, id);

    private static CatalogOverride ToOverride(TableEntity e)
    {
        var fields = JsonNode.Parse(e.GetString("Fields") ?? "{}")!.AsObject();
        return new CatalogOverride(Enum.Parse<CatalogItemKind>(e.GetString("Kind")), e.GetInt32("Id") ?? 0,
            fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!.DeepClone()));
    }

    private static TableEntity ToAuditRow(CatalogAuditEntry a) =>
        new(Partition, AuditPrefix + (DateTimeOffset.MaxValue.UtcTicks - a.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)
            + "-" + Guid.NewGuid().ToString("N")[..8])
        {
            ["Kind"] = a.Kind.ToString(), ["Slug"] = a.Slug, ["Action"] = a.Action,
            ["Before"] = a.Before.ToJsonString(), ["After"] = a.After.ToJsonString(), ["At"] = a.At, ["Who"] = a.Who,
        };

    private static CatalogAuditEntry FromAuditRow(TableEntity e) => new(
        Enum.Parse<CatalogItemKind>(e.GetString("Kind")), e.GetString("Slug"), e.GetString("Action"),
        JsonNode.Parse(e.GetString("Before") ?? "{}")!.AsObject(), JsonNode.Parse(e.GetString("After") ?? "{}")!.AsObject(),
        e.GetDateTimeOffset("At") ?? default, e.GetString("Who") ?? CatalogAdministration.UnnamedOperator);
}
