using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;

namespace Spheres.Core.Integrations;

public enum UnavailableReason { PlanRequired, Country }

/// <summary>One row of the "Available Integrations" tab: a type of the caller's sphere and what stands between it and the caller.</summary>
public sealed record AvailableType(IntegrationType Type, UnavailableReason? Reason, Plan RequiredPlan, int? IntegrationId)
{
    public bool IsAvailable => Reason is null;
}

/// <summary>
/// The types a tenant's sphere offers, in the order the tab shows them: those of the tenant's
/// country first (named explicitly, then worldwide), then the rest; each with why it cannot be
/// used yet and the cheapest plan that unlocks it. Plan rules come from <see cref="PlanPolicy"/>.
/// </summary>
public static class AvailableIntegrations
{
    public static IReadOnlyList<AvailableType> For(TenantProfile profile, CatalogSnapshot catalog, IEnumerable<Integration> connected)
    {
        var sphere = catalog.Spheres.FirstOrDefault(s => s.Id == profile.SphereId);
        var plan = Plan.FromStored(profile.Plan);
        var byType = connected.GroupBy(i => i.TypeId).ToDictionary(g => g.Key, g => g.Min(i => i.Id));
        return catalog.IntegrationTypes
            .Where(t => t.IsActive && (t.IsGeneral || (sphere is not null && t.Spheres.Contains(sphere.Slug))))
            .Select(t => new AvailableType(t, ReasonFor(t, profile.Country, plan), RequiredPlan(t), byType.TryGetValue(t.Id, out var id) ? id : null))
            .OrderBy(a => CountryRank(a.Type, profile.Country))
            .ThenBy(a => a.Type.Order)
            .ToList();
    }

    /// <summary>A type not offered in the country cannot be unlocked by any plan, so that reason comes first.</summary>
    private static UnavailableReason? ReasonFor(IntegrationType type, string? country, Plan plan) =>
        country is not null && !type.IsAvailableIn(country) ? UnavailableReason.Country
        : !PlanPolicy.AllowsType(plan, type) ? UnavailableReason.PlanRequired
        : null;

    private static Plan RequiredPlan(IntegrationType type) => Plan.All.First(p => PlanPolicy.AllowsType(p, type));

    private static int CountryRank(IntegrationType type, string? country) =>
        country is null ? 0
        : type.AvailableCountries.Contains(country) ? 0
        : type.IsAvailableIn(country) ? 1
        : 2;
}
