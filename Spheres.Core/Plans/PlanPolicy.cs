using Spheres.Core.Catalog;
using Spheres.Core.Problems;

namespace Spheres.Core.Plans;

/// <summary>The features a plan gates; features ask here, never compare plan ids themselves.</summary>
public enum PlanFeature
{
    SphereIntegrations,
    WorkingHours,
    Analytics,
}

public static class PlanPolicy
{
    public const string PlanRequiredType = "plan-required";

    public static bool Allows(Plan plan, PlanFeature feature) => feature switch
    {
        PlanFeature.SphereIntegrations => plan.SphereIntegrations,
        PlanFeature.WorkingHours => plan.WorkingHours,
        PlanFeature.Analytics => plan.Analytics,
        _ => false,
    };

    /// <summary>General types are on every plan; a sphere's own types need a paid one.</summary>
    public static bool AllowsType(Plan plan, IntegrationType type) => type.IsGeneral || plan.SphereIntegrations;

    public static void Require(Plan plan, PlanFeature feature)
    {
        if (!Allows(plan, feature))
        {
            throw PlanRequired(feature switch
            {
                PlanFeature.SphereIntegrations => "Integrations of your sphere",
                PlanFeature.WorkingHours => "Working hours",
                _ => "Analytics",
            }, Cheapest(feature));
        }
    }

    public static ProblemException PlanRequired(string what, Plan needed) =>
        new(403, PlanRequiredType, "Not allowed.", $"{what} are not part of your plan. Upgrade to '{needed.Id}' ({needed.DisplayName}) or higher.")
        {
            RequiredPlan = needed.Id,
        };

    public static Plan Cheapest(PlanFeature feature) => Plan.All.First(p => Allows(p, feature));
}
