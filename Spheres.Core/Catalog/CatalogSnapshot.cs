namespace Spheres.Core.Catalog;

/// <summary>An immutable, complete view of the catalog: what a reader sees between two reseeds.</summary>
public sealed class CatalogSnapshot
{
    public CatalogSnapshot(IEnumerable<Sphere> spheres, IEnumerable<IntegrationType> types, long version = 0, IEnumerable<CatalogOverride>? overrides = null)
    {
        Spheres = spheres.OrderBy(s => s.Order).ThenBy(s => s.Id).ToList();
        IntegrationTypes = types.OrderBy(t => t.Order).ThenBy(t => t.Id).ToList();
        Version = version;
        Overrides = (overrides ?? []).ToDictionary(o => (o.Kind, o.Id));
    }

    /// <summary>The operators' overrides already applied to <see cref="Spheres"/> and <see cref="IntegrationTypes"/>, by item.</summary>
    public IReadOnlyDictionary<(CatalogItemKind Kind, int Id), CatalogOverride> Overrides { get; }

    /// <summary>The fields of an item that an override sets, in the API's names (empty when it serves the seed's values).</summary>
    public IReadOnlyList<string> OverriddenFields(CatalogItemKind kind, int id) =>
        Overrides.TryGetValue((kind, id), out var o) ? CatalogOverride.FieldsOf(kind).Where(o.Fields.ContainsKey).ToList() : [];

    /// <summary>All spheres, active or not, ordered by <c>order</c>.</summary>
    public IReadOnlyList<Sphere> Spheres { get; }

    /// <summary>All integration types, active or not, ordered by <c>order</c>.</summary>
    public IReadOnlyList<IntegrationType> IntegrationTypes { get; }

    /// <summary>The version row's value when this snapshot was read; 0 for the seed file itself.</summary>
    public long Version { get; }

    public Sphere? FindActiveSphere(string slug) =>
        Spheres.FirstOrDefault(s => s.IsActive && string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase));

    public Sphere? FindActiveSphere(int id) => Spheres.FirstOrDefault(s => s.IsActive && s.Id == id);

    public IntegrationType? FindActiveType(string slug) =>
        IntegrationTypes.FirstOrDefault(t => t.IsActive && string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    public IntegrationType? FindActiveType(int id) => IntegrationTypes.FirstOrDefault(t => t.IsActive && t.Id == id);

    /// <summary>A type by slug, switched off or not (callers that connect check <see cref="IntegrationType.IsActive"/> and say why).</summary>
    public IntegrationType? FindType(string slug) =>
        IntegrationTypes.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    public IntegrationType? FindType(int id) => IntegrationTypes.FirstOrDefault(t => t.Id == id);
}
