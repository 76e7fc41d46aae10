using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Connections;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.OAuth;

/// <summary>
/// <c>POST …/{id}/connect/confirm/ {code}</c>: the signed-in owner attaches the consent the callback kept aside. Only the
/// tenant the state was issued to, for the integration it was issued for, gets it attached (identity read, route claimed,
/// push set up, as <see cref="IOAuthConsent"/> does it; for Meta, then the account choice). Anyone else gets the same 404
/// as for an unknown code, and the grant is revoked at the provider and deleted: a consent given on somebody else's link
/// must never reach their integration. The code works once either way.
/// </summary>
public sealed class OAuthConfirm(
    PendingGrants grants, TenantIntegrations integrations, ProviderRegistry providers, IntegrationViews views, ILogger<OAuthConfirm> logger)
{
    public async Task<IntegrationView> ConfirmAsync(Caller caller, int id, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code)) throw ProblemException.Validation("code", "Give the confirm code from the redirect after consent.");
        var taken = await grants.TakeAsync(code, cancellationToken).ConfigureAwait(false) ?? throw Unknown();
        var (grant, tokens) = taken;
        if (grant.TenantId != caller.TenantId || grant.IntegrationId != id)
        {
            logger.LogWarning("OAuth: a consent for integration {IntegrationId} of tenant {TenantId} was confirmed by another tenant or for another integration: revoked",
                grant.IntegrationId, grant.TenantId);
            await grants.RevokeAsync(grant, tokens, "confirmed by someone else", cancellationToken).ConfigureAwait(false);
            throw Unknown();
        }
        Integration integration;
        IOAuthConsent consent;
        try
        {
            (integration, _, _) = await integrations.FindAvailableAsync(caller, id, cancellationToken).ConfigureAwait(false);
            consent = providers.Find<IOAuthConsent>(integration.TypeSlug) is { } found && found.Provider.Name == grant.Provider
                ? found
                : throw Unknown();
        }
        catch (ProblemException)
        {
            // Deleted, switched to another type, or no longer allowed: nothing will use this grant.
            await grants.RevokeAsync(grant, tokens, "integration gone or unavailable", cancellationToken).ConfigureAwait(false);
            throw;
        }
        ConsentOutcome outcome;
        try
        {
            outcome = await consent.CompleteAsync(integration, tokens, cancellationToken).ConfigureAwait(false);
            if (outcome == ConsentOutcome.ExchangeFailed) await grants.RevokeAsync(grant, tokens, "not exchanged", cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e)
        {
            // The identity is read before anything is stored: nothing holds this grant.
            await grants.RevokeAsync(grant, tokens, "identity not read", cancellationToken).ConfigureAwait(false);
            throw ProviderProblems.Of(e, e.Message + " Connect again.");
        }
        finally
        {
            await grants.ForgetAsync(grant).ConfigureAwait(false); // the consent stored its own copy, if it stored one
        }
        return outcome switch
        {
            ConsentOutcome.ExchangeFailed => throw ProviderProblems.Unreachable("The provider did not finish the connection.",
                "It did not exchange the login for a lasting one. Connect again."),
            ConsentOutcome.Conflict => throw ProblemException.Conflict("The integration changed while connecting. Reload it and connect again."),
            // Connected, or connected with its push refused: the row says which (status error with the reason).
            _ => await views.GetAsync(caller, id, cancellationToken).ConfigureAwait(false),
        };
    }

    private static ProblemException Unknown() =>
        ProblemException.NotFound("This confirmation is unknown, already used or expired: connect again.");
}
