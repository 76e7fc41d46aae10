using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>What the provider sent the browser back with; nothing else of the request is read.</summary>
public sealed record CallbackParameters(string? Code, string? State, string? Error);

/// <summary>
/// <c>GET /api/oauth/{provider}/callback/</c>: the browser coming back from consent. Whatever happens, the answer is a
/// redirect to <c>{FrontendBaseUrl}/integrations</c> with <c>confirm={code}&amp;integration={id}</c> or <c>error={code}</c>
/// (plus <c>integration={id}</c> once the state was valid); no target is ever taken from the request. The state is consumed
/// before the code is exchanged, so one state exchanges at most once. The callback never attaches the grant: whoever
/// completed the consent screen is not necessarily the owner who asked for it (an owner can be sent another tenant's
/// authorization link), so the tokens are kept aside (<see cref="PendingGrants"/>) until the tenant the state was issued to
/// confirms them, signed in (<see cref="OAuthConfirm"/>). Failures (denied consent, bad state, failed exchange) store nothing.
/// </summary>
public sealed class OAuthCallback(
    OAuthStateStore states, IntegrationStore store, ProviderRegistry providers, OAuthTokenClient tokenClient, PendingGrants grants,
    Accounts.Sessions.SessionStore sessions, IOptions<PublicUrlOptions> urls, ILogger<OAuthCallback> logger)
{
    /// <summary>Authorization codes are short; anything longer is not one and is never sent on.</summary>
    public const int MaxCodeLength = 2048;

    /// <summary>The <c>error</c> codes the frontend may see.</summary>
    public static readonly IReadOnlyList<string> ErrorCodes =
    [
        "access_denied", "provider_error", "invalid_state", "expired_state", "invalid_request", "integration_gone", "exchange_failed",
        "temporarily_unavailable", "internal",
    ];

    /// <summary>
    /// The frontend URL to send the browser to; 404 for a provider name no module declares, 503 <c>not-configured</c> (the
    /// only other non-redirect) without a frontend.
    /// </summary>
    public async Task<string> CompleteAsync(string providerName, CallbackParameters parameters, CancellationToken cancellationToken)
    {
        var provider = providers.OAuthProvider(providerName) ?? throw ProblemException.NotFound("No such OAuth provider.");
        var frontend = urls.Value.RequireFrontend() + "/integrations";
        var (integrationId, confirm, error) = await RunAsync(provider, parameters, cancellationToken).ConfigureAwait(false);
        if (error is null) return $"{frontend}?confirm={confirm}&integration={integrationId}";
        return integrationId is { } id ? $"{frontend}?error={error}&integration={id}" : $"{frontend}?error={error}";
    }

    private async Task<(int? IntegrationId, string? Confirm, string? Error)> RunAsync(OAuthProvider provider, CallbackParameters parameters,
        CancellationToken cancellationToken)
    {
        int? integrationId = null;
        try
        {
            var (outcome, grant) = await states.TakeAsync(parameters.State, cancellationToken).ConfigureAwait(false);
            if (outcome == StateOutcome.Expired) return (null, null, "expired_state");
            if (grant is null || grant.Provider != provider.Name) return (null, null, "invalid_state");
            integrationId = grant.IntegrationId;
            if (parameters.Error is not null) return (integrationId, null, parameters.Error == "access_denied" ? "access_denied" : "provider_error");
            if (parameters.Code is not { Length: > 0 and <= MaxCodeLength } code) return (integrationId, null, "invalid_request");

            var integration = await store.FindAsync(grant.TenantId, grant.IntegrationId, cancellationToken).ConfigureAwait(false);
            var consent = integration is null ? null : providers.Find<IOAuthConsent>(integration.TypeSlug);
            // A tenant being erased accepts nothing new, not even a grant kept aside.
            if (consent is null || consent.Provider != provider || await sessions.IsFrozenAsync(grant.TenantId, cancellationToken).ConfigureAwait(false))
            {
                return (integrationId, null, "integration_gone");
            }

            OAuthTokens tokens;
            try
            {
                tokens = await ExchangeAsync(provider, code, grant.CodeVerifier, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderCallException e)
            {
                logger.LogWarning("OAuth {Provider}: code exchange for integration {IntegrationId} failed: {Reason}", provider.Name, integrationId, e.Message);
                return (integrationId, null, "exchange_failed");
            }
            return (integrationId, await grants.KeepAsync(grant.TenantId, grant.IntegrationId, provider, tokens, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ProblemException e) when (e.Status == 503)
        {
            logger.LogWarning("OAuth {Provider}: {Detail}", provider.Name, e.Detail);
            return (integrationId, null, "temporarily_unavailable");
        }
        catch (Exception e) when (e is CredentialVaultException || StorageFailures.IsUnavailable(e, cancellationToken) || e is RequestFailedException)
        {
            logger.LogWarning("OAuth {Provider}: consent for integration {IntegrationId} not kept: {Error}", provider.Name, integrationId, e.GetType().Name);
            return (integrationId, null, "temporarily_unavailable");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError("OAuth {Provider}: integration {IntegrationId} failed: {Error} in {Site}", provider.Name, integrationId, e.GetType().FullName,
                e.TargetSite is { } site ? site.DeclaringType?.FullName + "." + site.Name : "unknown");
            return (integrationId, null, "internal");
        }
    }

    /// <summary>RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5) where the connect sent a challenge.</summary>
    private Task<OAuthTokens> ExchangeAsync(OAuthProvider provider, string code, string? verifier, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", OAuthConnect.RedirectUri(urls.Value, provider)),
        };
        if (verifier is not null) form.Add(new("code_verifier", verifier));
        return tokenClient.ExchangeAsync(provider, form, cancellationToken);
    }
}
