using System.Text.Json.Nodes;
using Spheres.Core.Problems;

namespace Spheres.Core.Catalog;

/// <summary>
/// Operators' changes to the catalog without a deploy: override fields of a sphere or an integration
/// type, put an item back to the seed's values, and read who changed what. Reads here go to storage,
/// not to the 30-second cache, so an operator always edits the catalog as it is now.
/// </summary>
public sealed class CatalogAdministration(CatalogStore store, CatalogService catalog, TimeProvider time)
{
    private const int MaxWriteAttempts = 10;

    /// <summary>Recorded as <c>who</c> when the caller does not name themselves: the function key is all we know.</summary>
    public const string UnnamedOperator = "function key";

    public const int MaxOperatorLength = 100;

    /// <summary>The operator's name as sent (X-Changed-By); 400 when it is not a short single line.</summary>
    public static string Operator(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return UnnamedOperator;
        var name = raw.Trim();
        if (name.Length > MaxOperatorLength || name.Any(char.IsControl))
            throw ProblemException.Validation("X-Changed-By", $"Give your name or email in one line of at most {MaxOperatorLength} characters.");
        return name;
    }

    /// <summary>The catalog as served right now, with its overrides.</summary>
    public async Task<CatalogSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is not null) return snapshot;
        await catalog.ReseedAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The catalog is still missing after seeding it.");
    }

    /// <summary>Applies a PATCH: named fields are overridden, fields sent as null go back to the seed's value.</summary>
    public Task<CatalogSnapshot> PatchAsync(CatalogItemKind kind, string slug, JsonObject body, string who, CancellationToken cancellationToken)
    {
        var changes = CatalogOverride.ValidatePatch(kind, body);
        return WriteAsync(kind, slug, "override", who, current =>
        {
            var next = new Dictionary<string, JsonNode>(current, StringComparer.Ordinal);
            foreach (var (field, value) in changes)
            {
                if (value is null) next.Remove(field);
                else next[field] = value;
            }
            return (next, changes.Keys.ToList());
        }, cancellationToken);
    }

    /// <summary>Drops every override of the item: it serves the seed's values again.</summary>
    public Task<CatalogSnapshot> ResetAsync(CatalogItemKind kind, string slug, string who, CancellationToken cancellationToken) =>
        WriteAsync(kind, slug, "reset", who, current => (new Dictionary<string, JsonNode>(), current.Keys.ToList()), cancellationToken);

    public Task<(IReadOnlyList<CatalogAuditEntry> Page, string? Cursor)> ListAuditAsync(int pageSize, string? cursor, CancellationToken cancellationToken) =>
        store.ListAuditAsync(pageSize, cursor, cancellationToken);

    private async Task<CatalogSnapshot> WriteAsync(
        CatalogItemKind kind, string slug, string action, string who,
        Func<IReadOnlyDictionary<string, JsonNode>, (Dictionary<string, JsonNode> Next, List<string> Touched)> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var id = FindId(snapshot, kind, slug);
            var existing = snapshot.Overrides.GetValueOrDefault((kind, id));
            var (next, touched) = change(existing?.Fields ?? new Dictionary<string, JsonNode>());
            if (existing is null && next.Count == 0)
            {
                return snapshot; // nothing overridden, nothing to put back: no version bump, no audit entry
            }
            var before = Served(snapshot, kind, id, touched);
            var after = Served(AfterOverride(snapshot, kind, id, new CatalogOverride(kind, id, next)), kind, id, touched);
            var audit = new CatalogAuditEntry(kind, slug.ToLowerInvariant(), action, before, after, time.GetUtcNow(), who);
            var version = await store.TryWriteOverrideAsync(kind, id, next, existing is not null, snapshot.Version, audit, cancellationToken)
                .ConfigureAwait(false);
            if (version is not null)
            {
                catalog.Invalidate();
                return await ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        throw ProblemException.Conflict("The catalog kept changing while saving (a reseed or another change); try again.");
    }

    private static int FindId(CatalogSnapshot snapshot, CatalogItemKind kind, string slug)
    {
        int? id = kind == CatalogItemKind.Sphere
            ? snapshot.Spheres.FirstOrDefault(s => string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase))?.Id
            : snapshot.IntegrationTypes.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase))?.Id;
        return id ?? throw ProblemException.NotFound(
            $"The catalog has no {(kind == CatalogItemKind.Sphere ? "sphere" : "integration type")} with the slug '{slug}'.");
    }

    /// <summary>The catalog as it will be served with <paramref name="next"/> in place of the item's current override.</summary>
    private static CatalogSnapshot AfterOverride(CatalogSnapshot snapshot, CatalogItemKind kind, int id, CatalogOverride next)
    {
        // The seed's own values come from the seed file, which is what every reseed writes.
        var seed = CatalogSeed.Snapshot;
        var spheres = snapshot.Spheres.Select(s => kind == CatalogItemKind.Sphere && s.Id == id
            ? next.Apply(seed.Spheres.FirstOrDefault(x => x.Id == id) ?? s) : s);
        var types = snapshot.IntegrationTypes.Select(t => kind == CatalogItemKind.IntegrationType && t.Id == id
            ? next.Apply(seed.IntegrationTypes.FirstOrDefault(x => x.Id == id) ?? t) : t);
        return new CatalogSnapshot(spheres, types, snapshot.Version);
    }

    /// <summary>The values the public endpoints serve for <paramref name="fields"/> of one item.</summary>
    public static JsonObject Served(CatalogSnapshot snapshot, CatalogItemKind kind, int id, IEnumerable<string> fields)
    {
        var values = new JsonObject();
        if (kind == CatalogItemKind.Sphere)
        {
            var s = snapshot.Spheres.First(x => x.Id == id);
            var all = new Dictionary<string, JsonNode?>
            {
                ["name"] = s.Name, ["description"] = s.Description, ["icon"] = s.Icon, ["color"] = s.Color,
                ["is_active"] = s.IsActive, ["order"] = s.Order,
            };
            foreach (var field in fields) values[field] = all[field];
        }
        else
        {
            var t = snapshot.IntegrationTypes.First(x => x.Id == id);
            var all = new Dictionary<string, JsonNode?>
            {
                ["name"] = t.Name, ["description"] = t.Description, ["is_active"] = t.IsActive, ["order"] = t.Order,
                ["available_countries"] = new JsonArray(t.AvailableCountries.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            };
            foreach (var field in fields) values[field] = all[field];
        }
        return values;
    }
}
