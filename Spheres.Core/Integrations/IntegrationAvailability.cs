using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>
/// The one place that says whether a tenant may use an integration type: the type is active, it
/// is general or of the tenant's sphere, and the plan allows it. Creation and activation enforce
/// it; lists show it as <c>is_available</c>, because a sphere or plan change keeps integrations.
/// </summary>
public static class IntegrationAvailability
{
    public const string SphereMismatchType = "sphere-mismatch";
    public const string TypeSwitchedOffType = "integration-type-switched-off";

    /// <summary>Null when available, else the problem that explains why not.</summary>
    public static ProblemException? WhyUnavailable(IntegrationType? type, TenantProfile profile, CatalogSnapshot catalog)
    {
        if (type is null)
        {
            return ProblemException.BadRequest("This integration type is no longer offered.");
        }
        if (!type.IsActive)
        {
            return new ProblemException(400, TypeSwitchedOffType, "Integration type switched off.",
                $"{type.Name} is switched off for now: it cannot be connected or activated until it is offered again.");
        }
        var sphere = catalog.Spheres.FirstOrDefault(s => s.Id == profile.SphereId);
        if (!type.IsGeneral && (sphere is null || !type.Spheres.Contains(sphere.Slug)))
        {
            return ProblemException.Forbidden(SphereMismatchType,
                $"{type.Name} is offered to {string.Join(", ", type.Spheres)} businesses; your sphere is {sphere?.Slug ?? "unknown"}. " +
                "Change your sphere in the profile to use it.");
        }
        var plan = Plan.FromStored(profile.Plan);
        return PlanPolicy.AllowsType(plan, type)
            ? null
            : PlanPolicy.PlanRequired($"Integrations of your sphere such as {type.Name}", PlanPolicy.Cheapest(PlanFeature.SphereIntegrations));
    }

    public static bool IsAvailable(IntegrationType? type, TenantProfile profile, CatalogSnapshot catalog) =>
        WhyUnavailable(type, profile, catalog) is null;
}
