using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>
/// The changes of an integration row that connecting it is made of, each in the order that keeps a provider from ever
/// holding something no row remembers: secrets are stored before the row points at them (and deleted again when it
/// cannot), routes are named on the row before they are claimed, and every write is ETag-checked and forgotten from
/// this instance's cache at once.
/// </summary>
public sealed class IntegrationRows(
    IntegrationStore store, WebhookRoutes routes, IntegrationCache cache, ICredentialVault vault, TimeProvider time, ILogger<IntegrationRows> logger)
{
    /// <summary>Saves the row if nobody changed it meanwhile; 409 when someone did.</summary>
    public async Task<Integration> SaveAsync(Integration integration, CancellationToken cancellationToken) =>
        await TrySaveAsync(integration, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.Conflict("The integration changed meanwhile. Reload it and try again.");

    /// <summary>Saves the row if nobody changed it meanwhile; null when someone did.</summary>
    public async Task<Integration?> TrySaveAsync(Integration integration, CancellationToken cancellationToken)
    {
        var saved = await store.TryReplaceAsync(integration with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (saved is not null) cache.Forget(saved.TenantId, saved.Id);
        return saved;
    }

    /// <summary>
    /// The change, re-applied to a row changed meanwhile while <paramref name="stillValid"/> says it is still the row it was
    /// made for (see <see cref="IntegrationStore.TryChangeAsync"/>); null when it is not.
    /// </summary>
    public async Task<Integration?> TryChangeAsync(Integration integration, Func<Integration, Integration> change, Func<Integration, bool> stillValid,
        CancellationToken cancellationToken)
    {
        var saved = await store.TryChangeAsync(integration, change, stillValid, cancellationToken).ConfigureAwait(false);
        if (saved is not null) cache.Forget(saved.TenantId, saved.Id);
        return saved;
    }

    /// <summary>Remembers why on the row (status <c>error</c>, best effort) and hands back the problem to throw.</summary>
    public async Task<ProblemException> FailAsync(Integration integration, string detail, ProblemException problem, CancellationToken cancellationToken)
    {
        await TrySaveAsync(integration with { Status = IntegrationStatus.Error, StatusDetail = detail }, cancellationToken).ConfigureAwait(false);
        return problem;
    }

    /// <summary>
    /// Stores a fresh webhook secret under <paramref name="name"/> and saves the row pointing at it (and at its route key)
    /// before any provider hears of it; the secret goes again if the row cannot be saved, the old one once it is.
    /// </summary>
    public async Task<Integration> SaveWithNewSecretAsync(Integration integration, string name, string secret, string routeKey,
        CancellationToken cancellationToken)
    {
        var secretRef = await vault.StoreAsync(SecretNames.WebhookSecretsOf(integration.TenantId),
            new Dictionary<string, string> { [name] = secret }, cancellationToken).ConfigureAwait(false);
        Integration pointed;
        try
        {
            pointed = await SaveAsync(integration with { WebhookSecretRef = secretRef, RouteKey = routeKey }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
            throw;
        }
        await DeleteSecretQuietlyAsync(integration.WebhookSecretRef).ConfigureAwait(false);
        return pointed;
    }

    /// <summary>
    /// A channel of ours (a bot's webhook, a push channel): a fresh secret under <paramref name="secretName"/> on the row,
    /// with the route of <paramref name="routeKey"/>, then that route claimed. Returns the row and the secret to give the provider.
    /// </summary>
    public async Task<(Integration Integration, string Secret)> OpenChannelAsync(Integration integration, string secretName, string routeKey,
        CancellationToken cancellationToken)
    {
        var secret = NewSecretToken();
        var pointed = await SaveWithNewSecretAsync(integration, secretName, secret, routeKey, cancellationToken).ConfigureAwait(false);
        await routes.TryClaimAsync(routeKey, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        return (pointed, secret);
    }

    /// <summary>
    /// The provider-named account written to <paramref name="setting"/> and named on the row as its route key, then claimed;
    /// 409 (status <c>error</c>) when another live integration holds it. The previous route is released once the new one is held.
    /// </summary>
    public async Task<Integration> RouteToAccountAsync(Integration integration, string setting, string accountId, CancellationToken cancellationToken)
    {
        var key = WebhookRoutes.AccountKey(integration.TypeSlug, accountId);
        var settings = integration.Settings;
        settings[setting] = accountId;
        var pointed = await SaveAsync(integration with { SettingsJson = settings.ToJsonString(), RouteKey = key }, cancellationToken).ConfigureAwait(false);
        if (!await routes.TryClaimAsync(key, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false))
        {
            var detail = $"The account {accountId} is already connected to another Spheres integration.";
            throw await FailAsync(pointed with { RouteKey = integration.RouteKey }, detail, ProblemException.Conflict(detail), cancellationToken)
                .ConfigureAwait(false);
        }
        if (integration.RouteKey is { } previous && previous != key)
        {
            await routes.ReleaseAsync(previous, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        }
        return pointed;
    }

    /// <summary>
    /// New credentials, then the row pointing at them (ETag-checked, with the settings changes given); the new secret goes
    /// if that fails, the replaced one if not.
    /// </summary>
    public async Task<Integration> StoreCredentialsAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, DateTimeOffset? expiresAt,
        JsonObject? settingsChanges, CancellationToken cancellationToken)
    {
        var settings = integration.Settings;
        foreach (var (name, value) in settingsChanges ?? []) settings[name] = value?.DeepClone();
        var secretRef = await vault.StoreAsync(SecretNames.CredentialsOf(integration.TenantId), credentials, cancellationToken).ConfigureAwait(false);
        Integration? saved = null;
        try
        {
            saved = await SaveAsync(integration with
            {
                CredentialsRef = secretRef, TokenExpiresAt = expiresAt, SettingsJson = settings.ToJsonString(),
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (saved is null) await DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
        }
        if (integration.CredentialsRef is { } replaced) await DeleteSecretQuietlyAsync(replaced).ConfigureAwait(false);
        return saved;
    }

    /// <summary>Best effort: a secret we could not delete is orphaned (no row points at it), never the other way round.</summary>
    public async Task DeleteSecretQuietlyAsync(string? reference)
    {
        if (reference is null) return;
        try
        {
            await vault.DeleteAsync(reference, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not delete secret {Reference}: {Error}", reference, e.GetType().Name);
        }
    }

    /// <summary>256 random bits in the alphabet every provider takes for a secret (A-Z, a-z, 0-9, '_', '-').</summary>
    public static string NewSecretToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
