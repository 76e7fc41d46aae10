using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Notifications;

namespace Spheres.Core.Analytics;

/// <summary>
/// How analytics hears that a tenant's data changed: every change marks its cached reports stale (the stamp row); new
/// vectors or analyses also recompute the default period's reports here, on the embedding worker's time, so requests are
/// answered from the cache. An edit already committed (working hours, a deleted review) only logs a failed touch: its
/// reports go stale after <see cref="AnalyticsCache.MaxAge"/> at the latest. New vectors let a failed touch through, so the
/// queue delivers them again; a failed recomputation is only logged (the next request computes).
/// </summary>
public sealed class AnalyticsStaleness(AnalyticsCache cache, AnalyticsService analytics, ProfileCache profiles, ILogger<AnalyticsStaleness> logger)
    : ITenantDataChanged
{
    public async Task OnChangedAsync(string tenantId, TenantDataChange change, CancellationToken cancellationToken)
    {
        if (change is TenantDataChange.WorkingHoursChanged or TenantDataChange.ReviewDeleted)
        {
            await cache.TouchQuietlyAsync(tenantId).ConfigureAwait(false);
            return;
        }
        if (await profiles.FindAsync(tenantId, cancellationToken).ConfigureAwait(false) is not { } profile) return;
        await cache.TouchAsync(tenantId, cancellationToken).ConfigureAwait(false);
        try
        {
            await analytics.RefreshAsync(profile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Analytics of tenant {TenantId} not refreshed ({Error}); the next request computes them", tenantId, e.GetType().Name);
        }
    }
}
