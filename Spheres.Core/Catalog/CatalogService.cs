using Spheres.Core.Problems;

namespace Spheres.Core.Catalog;

/// <summary>
/// Serves the catalog from memory. Storage is read once, then only the version row is
/// checked every <see cref="RefreshInterval"/>; a reseed on another instance bumps that row,
/// and this instance reloads. A reseed here invalidates at once.
/// </summary>
public sealed class CatalogService(CatalogStore store, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile CachedCatalog? _cached;

    private sealed record CachedCatalog(CatalogSnapshot Snapshot, DateTimeOffset CheckedAt);

    public async ValueTask<CatalogSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is not null && time.GetUtcNow() - cached.CheckedAt < RefreshInterval)
        {
            return cached.Snapshot;
        }
        return await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the seed file to storage and makes this instance serve it right away.</summary>
    public async Task<long> ReseedAsync(CancellationToken cancellationToken)
    {
        var version = await store.ReseedAsync(CatalogSeed.Snapshot, cancellationToken).ConfigureAwait(false);
        _cached = null;
        return version;
    }

    /// <summary>Drops this instance's copy after a change written here; other instances see it within <see cref="RefreshInterval"/>.</summary>
    public void Invalidate() => _cached = null;

    public static IReadOnlyList<Sphere> ActiveSpheres(CatalogSnapshot catalog) => catalog.Spheres.Where(s => s.IsActive).ToList();

    /// <summary>
    /// The filters as the catalog understands them. Filters that name something the catalog does not
    /// know (a sphere, a kind) are a 400: an empty list would hide a typo in the frontend.
    /// </summary>
    public static ResolvedTypeFilter ResolveFilter(CatalogSnapshot catalog, IntegrationTypeFilter filter)
    {
        var errors = new Dictionary<string, string[]>();
        var sphereSlugs = new List<string>();
        if (filter.SphereId is { } rawId)
        {
            var sphere = int.TryParse(rawId, out var id) ? catalog.FindActiveSphere(id) : null;
            if (sphere is null) errors["sphere_id"] = [$"No active sphere has id '{rawId}'."];
            else sphereSlugs.Add(sphere.Slug);
        }
        if (filter.SphereSlug is { } slug)
        {
            var sphere = catalog.FindActiveSphere(slug);
            if (sphere is null) errors["sphere_slug"] = [$"No active sphere has slug '{slug}'."];
            else sphereSlugs.Add(sphere.Slug);
        }
        string? country = null;
        if (filter.Country is { } rawCountry)
        {
            if (CountryCodes.TryNormalize(rawCountry, out var code)) country = code;
            else errors["country"] = ["Give an ISO 3166-1 alpha-2 country code, such as 'UA' or 'PL'."];
        }
        var kinds = catalog.IntegrationTypes.Select(t => t.IntegrationKind).ToHashSet(StringComparer.Ordinal);
        if (filter.Kind is { } kind && !kinds.Contains(kind))
        {
            errors["integration_type"] = [$"Unknown integration type '{kind}'. Known: {string.Join(", ", kinds.Order())}."];
        }
        if (errors.Count > 0)
        {
            throw ProblemException.Validation(errors);
        }
        return new ResolvedTypeFilter(sphereSlugs.Distinct().Order(StringComparer.Ordinal).ToList(), country, filter.Kind);
    }

    /// <summary>Active types matching every filter.</summary>
    public static IReadOnlyList<IntegrationType> FilterTypes(CatalogSnapshot catalog, ResolvedTypeFilter filter) =>
        catalog.IntegrationTypes
            .Where(t => t.IsActive)
            .Where(t => filter.SphereSlugs.All(t.Spheres.Contains))
            .Where(t => filter.Country is null || t.IsAvailableIn(filter.Country))
            .Where(t => filter.Kind is null || t.IntegrationKind == filter.Kind)
            .ToList();

    private async Task<CatalogSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cached = _cached;
            var now = time.GetUtcNow();
            if (cached is not null && now - cached.CheckedAt < RefreshInterval)
            {
                return cached.Snapshot; // another caller refreshed while we waited
            }
            if (cached is not null && await store.ReadVersionAsync(cancellationToken).ConfigureAwait(false) == cached.Snapshot.Version)
            {
                _cached = cached with { CheckedAt = now };
                return cached.Snapshot;
            }
            var snapshot = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot is null)
            {
                // A fresh storage account: seed it rather than serve an empty catalog.
                await store.ReseedAsync(CatalogSeed.Snapshot, cancellationToken).ConfigureAwait(false);
                snapshot = await store.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The catalog is still missing after seeding it.");
            }
            _cached = new CachedCatalog(snapshot, now);
            return snapshot;
        }
        finally
        {
            _loadLock.Release();
        }
    }
}

/// <summary>Raw query values of the integration-types list; null means "not given".</summary>
public sealed record IntegrationTypeFilter(string? SphereId, string? SphereSlug, string? Country, string? Kind);

/// <summary>
/// Validated filters in one canonical form: <c>?sphere_id=0002</c>, <c>?sphere_id=+2</c> and
/// <c>?sphere_slug=beauty</c> are the same filter, with the same <see cref="Key"/>. Only catalog
/// values can appear here, so the number of distinct keys is bounded by the catalog, not by callers.
/// </summary>
public sealed record ResolvedTypeFilter(IReadOnlyList<string> SphereSlugs, string? Country, string? Kind)
{
    public string Key => $"{string.Join(',', SphereSlugs)}|{Country}|{Kind}";
}
