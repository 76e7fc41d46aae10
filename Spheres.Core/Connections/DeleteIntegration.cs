using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Connections;

/// <summary>
/// DELETE of an integration. The row goes first (so the provider keeps its connection if this fails, and nothing points
/// at a deleted secret); then the provider is told to stop and our grant revoked (<see cref="ProviderDisconnect"/>); then
/// the routes are freed, and the secrets and working hours deleted. Every step after the row is best effort: a route left
/// behind is stale and taken over, a secret left behind is orphaned (no row points at it).
/// </summary>
public sealed class DeleteIntegration(
    TenantIntegrations tenant, IntegrationStore store, IntegrationCache cache, ProviderDisconnect providers, WebhookRoutes routes, IntegrationRows rows,
    WorkingHoursStore workingHours, ILogger<DeleteIntegration> logger)
{
    public async Task DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var current = await tenant.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (!await store.TryDeleteAsync(current, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Conflict("The integration changed while deleting. Reload it and try again.");
        }
        cache.Forget(current.TenantId, current.Id);
        await providers.DisconnectOnceAsync(current, cancellationToken).ConfigureAwait(false);
        await ReleaseRouteAsync(current, cancellationToken).ConfigureAwait(false);
        await rows.DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
        await rows.DeleteSecretQuietlyAsync(current.RetiredCredentialsRef).ConfigureAwait(false);
        await rows.DeleteSecretQuietlyAsync(current.WebhookSecretRef).ConfigureAwait(false);
        await DeleteWorkingHoursQuietlyAsync(current).ConfigureAwait(false);
    }

    private async Task ReleaseRouteAsync(Integration deleted, CancellationToken cancellationToken)
    {
        if (deleted.RouteKey is not { } key) return;
        try
        {
            await routes.ReleaseAsync(key, new WebhookRoute(deleted.TenantId, deleted.Id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Route of deleted integration {IntegrationId} not released ({Error}); it is taken over when claimed", deleted.Id,
                e.GetType().Name);
        }
    }

    /// <summary>Best effort, like the secrets: ids are never reused, and lists skip rows of integrations that are gone.</summary>
    private async Task DeleteWorkingHoursQuietlyAsync(Integration integration)
    {
        try
        {
            await workingHours.DeleteScheduleAsync(integration.TenantId, integration.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not delete the working hours of integration {Id}: {Error}", integration.Id, e.GetType().Name);
        }
    }
}
