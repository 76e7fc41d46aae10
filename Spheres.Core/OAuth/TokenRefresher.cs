using System.Globalization;
using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.OAuth;

public enum RefreshOutcome { Refreshed, NotDue, Busy, RelinkRequired, RetryLater, NotRefreshable }

/// <summary>
/// Refreshes OAuth access tokens before they expire. Per integration: lease first (one refresher across all
/// instances), then read the row again (a refresh that finished meanwhile moved the expiry and rotated the
/// refresh token), then the token endpoint, then save atomically: a NEW vault secret with the new tokens →
/// ETag-checked row replace pointing at it → the old secret deleted (the new one deleted instead if no row
/// points at it). <c>invalid_grant</c> → <c>relink_required</c>; a provider that fails otherwise is tried next run.
/// Meta issues no refresh tokens (long-lived tokens): never refreshed here.
/// </summary>
public sealed class TokenRefresher(
    IntegrationStore store, IntegrationRows rows, ICredentialVault vault, IntegrationLeases leases, OAuthTokenClient calls, OAuthSchedule schedule,
    ProviderRegistry providers, TimeProvider time, ILogger<TokenRefresher> logger)
{
    /// <summary>How long before expiry a token is refreshed: two timer runs of slack.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    /// <summary>Longer than a token call can take (10 s timeout) plus the save.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    public const int MaxPerRun = 500;
    public const int Parallelism = 4;
    public const string LeasePurpose = "token";

    /// <summary>The timer's work: every integration whose token lapses within <see cref="Margin"/>.</summary>
    public async Task<IReadOnlyDictionary<RefreshOutcome, int>> RefreshDueAsync(CancellationToken cancellationToken)
    {
        var due = await schedule.TokensDueAsync(time.GetUtcNow() + Margin, MaxPerRun, cancellationToken).ConfigureAwait(false);
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<RefreshOutcome, int>();
        // A few at a time: one slow provider (10 s timeout) must not hold up the rest of the run.
        await Parallel.ForEachAsync(due.Where(d => Refreshable(d.TypeSlug) is not null),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
            {
                var outcome = await RefreshAsync(item.TenantId, item.IntegrationId, ct).ConfigureAwait(false);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }).ConfigureAwait(false);
        logger.LogInformation("OAuth refresh run: {Due} due, outcomes {Outcomes}", due.Count,
            string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
        return outcomes;
    }

    /// <summary>Refreshes one integration's token if it is (still) due; <see cref="RefreshOutcome.Busy"/> while another holds the lease.</summary>
    public async Task<RefreshOutcome> RefreshAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var lease = await leases.TryAcquireAsync(tenantId, integrationId, LeasePurpose, LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (lease is null) return RefreshOutcome.Busy;
        try
        {
            return await RefreshLeasedAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await leases.ReleaseAsync(lease).ConfigureAwait(false);
        }
    }

    /// <summary>The provider that refreshes tokens of this type; null for types without refresh tokens (Meta, API keys).</summary>
    public OAuthProvider? Refreshable(string typeSlug) =>
        providers.Find<IOAuthConsent>(typeSlug)?.Provider is { IssuesRefreshTokens: true } provider ? provider : null;

    private async Task<RefreshOutcome> RefreshLeasedAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var integration = await store.FindAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
        if (integration?.CredentialsRef is not { } credentialsRef || integration.Status == IntegrationStatus.RelinkRequired
            || Refreshable(integration.TypeSlug) is not { } provider)
        {
            return RefreshOutcome.NotRefreshable;
        }
        if (integration.TokenExpiresAt is not { } expiresAt || expiresAt > time.GetUtcNow() + Margin) return RefreshOutcome.NotDue;
        var credentials = await vault.ReadAsync(credentialsRef, cancellationToken).ConfigureAwait(false);
        if (credentials?.GetValueOrDefault("refresh_token") is not { } refreshToken)
        {
            // Nothing to refresh with: off the schedule, so it is not found again every run.
            await ReplaceKeepingCredentialsAsync(integration, i => i with { TokenExpiresAt = null }, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Integration {IntegrationId} of tenant {TenantId}: token expires but no refresh token was given", integrationId, tenantId);
            return RefreshOutcome.NotRefreshable;
        }
        OAuthTokens tokens;
        try
        {
            tokens = await calls.RefreshAsync(provider, refreshToken, cancellationToken).ConfigureAwait(false);
        }
        catch (OAuthGrantRevokedException)
        {
            await MarkRelinkRequiredAsync(integration, provider, cancellationToken).ConfigureAwait(false);
            return RefreshOutcome.RelinkRequired;
        }
        catch (Exception e) when (e is OAuthTransientException || e is ProblemException { Status: 503 })
        {
            logger.LogWarning("Integration {IntegrationId} of tenant {TenantId}: refresh not done, next run retries ({Reason})",
                integrationId, tenantId, e is ProblemException ? provider.Section + " OAuth client not configured" : e.Message);
            return RefreshOutcome.RetryLater;
        }
        return await SaveAsync(integration, credentials, tokens, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RefreshOutcome> SaveAsync(Integration integration, IReadOnlyDictionary<string, string> old, OAuthTokens tokens,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(old) { ["access_token"] = tokens.AccessToken };
        if (tokens.RefreshToken is { } rotated) values["refresh_token"] = rotated; // else the provider keeps the old one valid
        if (tokens.ExpiresAt is { } at) values["expires_at"] = at.ToString("O", CultureInfo.InvariantCulture);
        else values.Remove("expires_at");
        var newRef = await vault.StoreAsync(SecretNames.CredentialsOf(integration.TenantId), values, cancellationToken).ConfigureAwait(false);
        Integration? saved;
        try
        {
            saved = await ReplaceKeepingCredentialsAsync(integration, i => i with { CredentialsRef = newRef, TokenExpiresAt = tokens.ExpiresAt },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await rows.DeleteSecretQuietlyAsync(newRef).ConfigureAwait(false);
            throw;
        }
        if (saved is null)
        {
            // Credentials replaced or the integration deleted meanwhile: theirs win, ours go.
            await rows.DeleteSecretQuietlyAsync(newRef).ConfigureAwait(false);
            return RefreshOutcome.NotRefreshable;
        }
        await rows.DeleteSecretQuietlyAsync(integration.CredentialsRef!).ConfigureAwait(false);
        logger.LogInformation("Integration {IntegrationId} of tenant {TenantId}: access token refreshed{Rotated}, expires {ExpiresAt:O}",
            integration.Id, integration.TenantId, tokens.RefreshToken is null ? "" : " (refresh token rotated)", tokens.ExpiresAt);
        return RefreshOutcome.Refreshed;
    }

    /// <summary>Where the owner sees why: status <c>relink_required</c> and one sentence naming the provider.</summary>
    private async Task MarkRelinkRequiredAsync(Integration integration, OAuthProvider provider, CancellationToken cancellationToken)
    {
        var detail = $"{provider.Section} no longer accepts our access to your account (it was withdrawn or has expired): connect again.";
        await ReplaceKeepingCredentialsAsync(integration,
            i => i with { Status = IntegrationStatus.RelinkRequired, StatusDetail = detail, TokenExpiresAt = null }, cancellationToken).ConfigureAwait(false);
        logger.LogWarning("Integration {IntegrationId} of tenant {TenantId}: {Provider} answered invalid_grant; relink required",
            integration.Id, integration.TenantId, provider.Name);
    }

    /// <summary>The change, re-applied to a row changed meanwhile while it still holds the credentials we refreshed.</summary>
    private async Task<Integration?> ReplaceKeepingCredentialsAsync(Integration integration, Func<Integration, Integration> change,
        CancellationToken cancellationToken)
    {
        return await rows.TryChangeAsync(integration, change, current => current.CredentialsRef == integration.CredentialsRef, cancellationToken)
            .ConfigureAwait(false);
    }
}
