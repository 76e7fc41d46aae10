using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>The caller's own integrations: another tenant's, like a missing one, is a 404.</summary>
public sealed class TenantIntegrations(IntegrationStore store, ProfileService profiles, CatalogService catalog)
{
    public async Task<Integration> FindAsync(Caller caller, int id, CancellationToken cancellationToken) =>
        await store.FindAsync(caller.TenantId, id, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound($"You have no integration {id}.");

    /// <summary>What availability is judged by: the caller's profile (sphere, plan, country) and the catalog as served.</summary>
    public async Task<(TenantProfile Profile, CatalogSnapshot Catalog)> ContextAsync(Caller caller, CancellationToken cancellationToken) =>
        (await profiles.GetAsync(caller, cancellationToken).ConfigureAwait(false), await catalog.GetAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The caller's integration, 403 when the sphere, plan or catalog no longer allow its type.</summary>
    public async Task<(Integration Integration, TenantProfile Profile, CatalogSnapshot Catalog)> FindAvailableAsync(Caller caller, int id,
        CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integration = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (IntegrationAvailability.WhyUnavailable(snapshot.FindType(integration.TypeId), profile, snapshot) is { } reason) throw reason;
        return (integration, profile, snapshot);
    }
}
