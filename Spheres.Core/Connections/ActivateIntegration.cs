using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.Connections;

/// <summary>
/// Turning an integration on with its provider. Every side effect comes after the row that remembers it, or is undone
/// when that row cannot be written: the type's provider module sets it up (<see cref="IActivation"/>: a bot's webhook, a
/// push channel, an app subscription); a type routed by an account without one is routed (<see cref="AccountRouting"/>);
/// the rest only need their credentials. A provider that refuses or does not answer leaves status <c>error</c> with a
/// reason, never a 500.
/// </summary>
public sealed class ActivateIntegration(
    TenantIntegrations tenant, ICredentialVault vault, ConnectionRequirements requirements, ProviderRegistry providers, AccountRouting routing,
    RetiredCredentials retired, IntegrationRows rows, IntegrationViews views)
{
    public async Task<IntegrationView> ActivateAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (current, profile, snapshot) = await tenant.FindAvailableAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var requirement = requirements.For(current.TypeSlug);
        var credentials = current.CredentialsRef is null ? null : await vault.ReadAsync(current.CredentialsRef, cancellationToken).ConfigureAwait(false);
        var errors = new FieldErrors();
        foreach (var missing in requirement.MissingCredentials(credentials))
            errors.Add("credentials." + missing, "Required to activate: set it with PUT first.");
        errors.ThrowIfAny();

        current = await retired.RetireAsync(current, cancellationToken).ConfigureAwait(false);
        var connected = providers.Find<IActivation>(current.TypeSlug) is { } activation
            ? await activation.ActivateAsync(current, credentials!, cancellationToken).ConfigureAwait(false)
            : requirement.RoutingSetting is not null
                ? await routing.RouteAsync(current, credentials!, cancellationToken).ConfigureAwait(false)
                : current;
        var saved = await rows.SaveAsync(connected with { Status = IntegrationStatus.Active, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        return views.View(saved, profile, snapshot);
    }
}

/// <summary>
/// Status <c>inactive</c> is written first; then deliveries tied to the credentials (a bot's webhook) are stopped. If the
/// provider does not confirm, the row says so; deliveries that still arrive are stored as <c>inactive</c>.
/// </summary>
public sealed class DeactivateIntegration(TenantIntegrations tenant, RetiredCredentials retired, IntegrationRows rows, IntegrationViews views)
{
    public async Task<IntegrationView> DeactivateAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await tenant.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var saved = await rows.SaveAsync(current with { Status = IntegrationStatus.Inactive, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        if (await retired.StopAsync(saved, saved.CredentialsRef, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            saved = await rows.TrySaveAsync(saved with { StatusDetail = failure }, cancellationToken).ConfigureAwait(false) ?? saved;
        }
        saved = await retired.RetireAsync(saved, cancellationToken).ConfigureAwait(false);
        return views.View(saved, profile, snapshot);
    }
}
