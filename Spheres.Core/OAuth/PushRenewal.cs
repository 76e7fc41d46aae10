using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.OAuth;

/// <summary>
/// Renews the pushes providers let lapse (<see cref="IPushRenewal"/>: Google Calendar channels, Gmail watches) before they do.
/// Per integration: lease first (one renewer across instances), then read the row again, then, if it is still active and
/// due by its provider's margin, renew with a fresh access token. A provider that fails is tried again on the next run.
/// </summary>
public sealed class PushRenewal(
    IntegrationStore store, IntegrationLeases leases, OAuthSchedule schedule, FreshAccessTokens tokens, ProviderRegistry providers, TimeProvider time,
    ILogger<PushRenewal> logger)
{
    public const string LeasePurpose = "push";
    public const int MaxPerRun = 500;

    public async Task<IReadOnlyDictionary<RenewalOutcome, int>> RenewDueAsync(CancellationToken cancellationToken)
    {
        var renewals = providers.All<IPushRenewal>().ToList();
        if (renewals.Count == 0) return new Dictionary<RenewalOutcome, int>();
        var longest = renewals.SelectMany(r => r.TypeSlugs.Select(r.RenewBefore)).Max();
        var due = await schedule.PushDueAsync(time.GetUtcNow() + longest, MaxPerRun, cancellationToken).ConfigureAwait(false);
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<RenewalOutcome, int>();
        await Parallel.ForEachAsync(due.Where(d => providers.Find<IPushRenewal>(d.TypeSlug) is not null),
            new ParallelOptions { MaxDegreeOfParallelism = TokenRefresher.Parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
            {
                var outcome = await RenewAsync(item.TenantId, item.IntegrationId, ct).ConfigureAwait(false);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }).ConfigureAwait(false);
        logger.LogInformation("Push renewal run: {Due} due, outcomes {Outcomes}", due.Count, string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
        return outcomes;
    }

    public async Task<RenewalOutcome> RenewAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var lease = await leases.TryAcquireAsync(tenantId, integrationId, LeasePurpose, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        if (lease is null) return RenewalOutcome.Busy;
        try
        {
            var integration = await store.FindAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
            if (integration is not { Status: IntegrationStatus.Active, PushExpiresAt: { } expires }
                || providers.Find<IPushRenewal>(integration.TypeSlug) is not { } renewal)
            {
                return RenewalOutcome.NotRenewable;
            }
            if (expires > time.GetUtcNow() + renewal.RenewBefore(integration.TypeSlug)) return RenewalOutcome.NotDue;
            var accessToken = await tokens.GetFreshAccessTokenAsync(integration, cancellationToken).ConfigureAwait(false);
            return await renewal.RenewAsync(integration, accessToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OAuthTransientException or ProviderCallException or ProblemException)
        {
            logger.LogWarning("Integration {IntegrationId} of tenant {TenantId}: push not renewed, next run retries ({Reason})", integrationId, tenantId, e.Message);
            return RenewalOutcome.RetryLater;
        }
        finally
        {
            await leases.ReleaseAsync(lease).ConfigureAwait(false);
        }
    }
}
