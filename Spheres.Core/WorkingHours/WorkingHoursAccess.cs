using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;
using Spheres.Core.Notifications;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The rules every working-hours request passes, in this order: the integration is the caller's
/// (404 otherwise, also for another tenant's), a write needs a plan with working hours (403
/// <c>plan-required</c>), and the integration's type has working hours (400). Reads are allowed on
/// every plan, so an owner who downgraded still sees what was set. Edits go through
/// <see cref="EditAsync"/>, which retries on concurrent edits and keeps the schedule cache honest.
/// </summary>
public sealed class WorkingHoursAccess(
    IntegrationStore integrations, ProfileService profiles, CatalogService catalog, WorkingHoursStore store, CachedWorkingScheduleSource schedules,
    ITenantDataChanged changes)
{
    public const string UnsupportedType = "working-hours-unsupported";

    public sealed record Target(TenantProfile Profile, Integration Integration);

    public Task<Target> ForReadAsync(Caller caller, int integrationId, CancellationToken cancellationToken) =>
        ResolveAsync(caller, integrationId, write: false, cancellationToken);

    public Task<Target> ForWriteAsync(Caller caller, int integrationId, CancellationToken cancellationToken) =>
        ResolveAsync(caller, integrationId, write: true, cancellationToken);

    /// <summary>
    /// Commits the change <paramref name="plan"/> decides on the current schedule (see
    /// <see cref="WorkingHoursStore.EditAsync"/>); 409 when other edits kept winning. Returns the rows added.
    /// </summary>
    public async Task<IReadOnlyList<StoredRow>> EditAsync(
        Target target, Func<StoredSchedule, ScheduleChange> plan, CancellationToken cancellationToken)
    {
        var integration = target.Integration;
        try
        {
            return await store.EditAsync(integration.TenantId, integration.Id, plan, cancellationToken).ConfigureAwait(false)
                ?? throw ProblemException.Conflict("The working hours kept changing while saving. Reload them and try again.");
        }
        finally
        {
            // Also after a failure: a commit whose answer was lost may have happened. Peak hours count what found the channel closed.
            schedules.Invalidate(integration.TenantId, integration.Id);
            await changes.OnChangedAsync(integration.TenantId, TenantDataChange.WorkingHoursChanged, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<Target> ResolveAsync(Caller caller, int integrationId, bool write, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        var integration = await integrations.FindAsync(caller.TenantId, integrationId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound($"You have no integration {integrationId}.");
        if (write) PlanPolicy.Require(Plan.FromStored(profile.Plan), PlanFeature.WorkingHours);

        var snapshot = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.FindType(integration.TypeId) is not { SupportsWorkingHours: true })
        {
            var supported = snapshot.IntegrationTypes.Where(t => t.IsActive && t.SupportsWorkingHours).Select(t => t.Name);
            throw new ProblemException(400, UnsupportedType, "The request is not valid.",
                $"Integration {integrationId} ({integration.TypeSlug}) has no working hours; they are set on {string.Join(", ", supported)} integrations.");
        }
        return new Target(profile, integration);
    }
}
