using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Credentials;
using Spheres.Core.Problems;
using Spheres.Core.Webhooks;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Integrations;

/// <summary>
/// An integration as the API shows it: with its type, whether the tenant may use it now, and one
/// sentence on why it is not active or not available (null only when it is both).
/// </summary>
public sealed record IntegrationView(Integration Integration, IntegrationType? Type, bool IsAvailable, string? WebhookUrl, string? StatusDetail = null);

public sealed record IntegrationInput(string? TypeSlug, int? TypeId, JsonObject? Settings, JsonObject? Credentials);

/// <summary>
/// Connecting and configuring integrations. Credentials go to the vault first and the row only
/// references them, so a failed vault write leaves nothing behind and a failed row write removes
/// the secret it had just written.
/// </summary>
public sealed class IntegrationService(
    IntegrationStore store, ICredentialVault vault, ProfileService profiles, CatalogService catalog, WebhookUrls urls, IntegrationDirectory directory,
    WorkingHoursStore workingHours, TelegramWebhooks telegramWebhooks, WebhookRoutes routes, TimeProvider time, ILogger<IntegrationService> logger)
{
    public async Task<IReadOnlyList<IntegrationView>> ListAsync(Caller caller, CancellationToken cancellationToken, IntegrationStatus? status = null)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integrations = await store.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return integrations.Where(i => status is null || i.Status == status).Select(i => View(i, profile, snapshot)).ToList();
    }

    /// <summary>The "Available Integrations" tab: the types of the caller's sphere, country first, with why each is not usable yet.</summary>
    public async Task<IReadOnlyList<AvailableType>> AvailableAsync(Caller caller, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integrations = await store.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return AvailableIntegrations.For(profile, snapshot, integrations);
    }

    public async Task<IntegrationView> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        return View(await FindAsync(caller, id, cancellationToken).ConfigureAwait(false), profile, snapshot);
    }

    public async Task<IntegrationView> CreateAsync(Caller caller, IntegrationInput input, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var type = ResolveType(input, snapshot);
        if (IntegrationAvailability.WhyUnavailable(type, profile, snapshot) is { } reason) throw reason;

        var requirement = ConnectionRequirements.For(type.Slug);
        var errors = new FieldErrors();
        var settingsJson = ConnectionRequirements.ValidateSettings(requirement, input.Settings ?? [], errors);
        var credentials = input.Credentials is null ? null : ConnectionRequirements.ValidateCredentials(requirement, input.Credentials, errors);
        errors.ThrowIfAny();

        var now = time.GetUtcNow();
        var credentialsRef = credentials is { Count: > 0 }
            ? await vault.StoreAsync(SecretPrefix("c", caller.TenantId), credentials, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var created = await store.CreateAsync(caller.TenantId, id => new Integration(
                caller.TenantId, id, caller.UserId, type.Id, type.Slug, IntegrationStatus.Pending, null, settingsJson,
                credentialsRef, null, NewWebhookKey(), null, now, now) { TokenExpiresAt = TokenExpiry(credentials) }, cancellationToken).ConfigureAwait(false);
            return View(created, profile, snapshot);
        }
        catch (Exception e)
        {
            await DeleteSecretQuietlyAsync(credentialsRef).ConfigureAwait(false);
            if (e is IntegrationStore.DuplicateTypeException)
            {
                throw ProblemException.Conflict($"You already have a {type.Name} integration. Change or delete that one instead.");
            }
            throw;
        }
    }

    /// <summary>
    /// Replaces <c>settings</c> (when given) and <c>credentials</c> (when given). Changing the
    /// credentials or the routing setting of an active integration puts it back to pending:
    /// the provider must be set up again with them, by activating. The row is written first; then
    /// the old route is released, and an active bot's old webhook removed with its old token (kept on
    /// the row as retired until Telegram confirms, so it can always be removed later).
    /// </summary>
    /// <param name="mergeSettings">PATCH: the keys given are set (null clears one), the others stay; PUT replaces settings whole.</param>
    public async Task<IntegrationView> ReplaceAsync(Caller caller, int id, IntegrationInput input, string? ifMatch, CancellationToken cancellationToken,
        bool mergeSettings = false)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw ProblemException.Conflict("The integration changed since you read it. Reload it and try again.");
        }
        var requirement = ConnectionRequirements.For(current.TypeSlug);
        var errors = new FieldErrors();
        RefuseTypeChange(current, input, errors);
        var settings = input.Settings is { } given && mergeSettings ? Merge(current.Settings, given) : input.Settings;
        var settingsJson = settings is null ? current.SettingsJson : ConnectionRequirements.ValidateSettings(requirement, settings, errors);
        var credentials = input.Credentials is null ? null : ConnectionRequirements.ValidateCredentials(requirement, input.Credentials, errors);
        errors.ThrowIfAny();

        var newCredentialsRef = credentials is { Count: > 0 }
            ? await vault.StoreAsync(SecretPrefix("c", caller.TenantId), credentials, cancellationToken).ConfigureAwait(false)
            : null;
        var routingChanged = requirement.RoutingSetting is { } routing
            && (Settings(settingsJson)[routing]?.ToJsonString() != current.Settings[routing]?.ToJsonString());
        var reconfigured = (newCredentialsRef is not null || routingChanged) && current.Status is IntegrationStatus.Active or IntegrationStatus.Error or IntegrationStatus.RelinkRequired;
        // A bot that was connected keeps posting to us until its webhook is removed with its own token.
        var oldBotConnected = newCredentialsRef is not null && current.Status == IntegrationStatus.Active
            && requirement.Webhooks == WebhookProvider.Telegram && current.CredentialsRef is not null;
        var updated = current with
        {
            SettingsJson = settingsJson,
            CredentialsRef = newCredentialsRef ?? current.CredentialsRef,
            RouteKey = routingChanged ? null : current.RouteKey,
            Status = reconfigured ? IntegrationStatus.Pending : current.Status,
            StatusDetail = reconfigured ? "Credentials or routing settings changed: activate again to apply them." : current.StatusDetail,
            RetiredCredentialsRef = oldBotConnected ? current.CredentialsRef : current.RetiredCredentialsRef,
            TokenExpiresAt = newCredentialsRef is null ? current.TokenExpiresAt : TokenExpiry(credentials),
            UpdatedAt = time.GetUtcNow(),
        };
        var saved = await store.TryReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            await DeleteSecretQuietlyAsync(newCredentialsRef).ConfigureAwait(false);
            throw ProblemException.Conflict("The integration changed while saving. Reload it and try again.");
        }
        directory.Forget(saved.TenantId, saved.Id);
        if (routingChanged && current.RouteKey is { } oldRoute)
        {
            await routes.ReleaseAsync(oldRoute, new WebhookRoute(current.TenantId, current.Id), cancellationToken).ConfigureAwait(false);
        }
        if (oldBotConnected)
        {
            saved = await RetireOldBotAsync(saved, cancellationToken).ConfigureAwait(false);
        }
        else if (newCredentialsRef is not null)
        {
            await DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
        }
        return View(saved, profile, snapshot);
    }

    /// <summary>Removes the replaced bot's webhook; once Telegram confirms, its token is dropped from the row and the vault.</summary>
    private async Task<Integration> RetireOldBotAsync(Integration saved, CancellationToken cancellationToken)
    {
        var retired = saved.RetiredCredentialsRef!;
        if (await telegramWebhooks.RemoveAsync(saved, retired, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            var noted = await store.TryReplaceAsync(saved with { StatusDetail = saved.StatusDetail + " " + failure }, cancellationToken).ConfigureAwait(false);
            return noted ?? saved;
        }
        var cleared = await store.TryReplaceAsync(saved with { RetiredCredentialsRef = null }, cancellationToken).ConfigureAwait(false);
        if (cleared is null) return saved; // changed meanwhile: the next activation retries
        directory.Forget(cleared.TenantId, cleared.Id);
        await DeleteSecretQuietlyAsync(retired).ConfigureAwait(false);
        return cleared;
    }

    /// <summary>
    /// Removes the row first (so the provider keeps its connection if this fails, and nothing points at a
    /// deleted secret), then disconnects at the provider, then its secrets and working hours.
    /// </summary>
    public async Task DeleteAsync(Caller caller, int id, Func<Integration, CancellationToken, Task> disconnect, CancellationToken cancellationToken)
    {
        var current = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (!await store.TryDeleteAsync(current, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Conflict("The integration changed while deleting. Reload it and try again.");
        }
        directory.Forget(current.TenantId, current.Id);
        await disconnect(current, cancellationToken).ConfigureAwait(false);
        await DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
        await DeleteSecretQuietlyAsync(current.RetiredCredentialsRef).ConfigureAwait(false);
        await DeleteSecretQuietlyAsync(current.WebhookSecretRef).ConfigureAwait(false);
        await DeleteWorkingHoursQuietlyAsync(current).ConfigureAwait(false);
    }

    public async Task<Integration> FindAsync(Caller caller, int id, CancellationToken cancellationToken) =>
        await store.FindAsync(caller.TenantId, id, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound($"You have no integration {id}.");

    public async Task<(TenantProfile Profile, CatalogSnapshot Catalog)> ContextAsync(Caller caller, CancellationToken cancellationToken) =>
        (await profiles.GetAsync(caller, cancellationToken).ConfigureAwait(false), await catalog.GetAsync(cancellationToken).ConfigureAwait(false));

    public IntegrationView View(Integration integration, TenantProfile profile, CatalogSnapshot snapshot)
    {
        var type = snapshot.FindType(integration.TypeId);
        var unavailable = IntegrationAvailability.WhyUnavailable(type, profile, snapshot);
        var detail = unavailable?.Detail ?? (integration.Status == IntegrationStatus.Active ? null : integration.StatusDetail ?? DefaultDetail(integration));
        return new IntegrationView(integration, type, unavailable is null, urls.For(integration), detail);
    }

    /// <summary>Why an integration is not active, when nothing more specific was recorded.</summary>
    private static string DefaultDetail(Integration integration)
    {
        var requirement = ConnectionRequirements.For(integration.TypeSlug);
        return integration.Status switch
        {
            IntegrationStatus.Pending when !integration.HasCredentials && requirement.Method == ConnectMethod.OAuth =>
                "Not connected yet: connect your account, then activate.",
            IntegrationStatus.Pending when !integration.HasCredentials =>
                $"Not connected yet: add {string.Join(" and ", requirement.RequiredCredentials)}, then activate.",
            IntegrationStatus.Pending => "Ready to activate: activate it to start receiving messages.",
            IntegrationStatus.Inactive => "Deactivated: messages are not handed to the assistant. Activate it to resume.",
            IntegrationStatus.RelinkRequired => "The provider no longer accepts our access: connect your account again.",
            _ => "The last setup failed: check the credentials and activate again.",
        };
    }

    /// <summary>When OAuth tokens given directly expire (their <c>expires_at</c>): the refresher's schedule; null for other credentials.</summary>
    private static DateTimeOffset? TokenExpiry(IReadOnlyDictionary<string, string>? credentials) =>
        ConnectionRequirements.TokenExpiry(credentials?.GetValueOrDefault("expires_at"));

    public static string SecretPrefix(string kind, string tenantId) => $"{kind}-{tenantId}";

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

    private static IntegrationType ResolveType(IntegrationInput input, CatalogSnapshot snapshot)
    {
        if (input.TypeSlug is null && input.TypeId is null)
        {
            throw ProblemException.Validation("integration_type_slug", "Give integration_type_slug or integration_type_id.");
        }
        // Switched-off types are found here, so that creating one is refused with the reason, not as unknown.
        var bySlug = input.TypeSlug is null ? null : snapshot.FindType(input.TypeSlug);
        var byId = input.TypeId is { } typeId ? snapshot.FindType(typeId) : null;
        if (input.TypeSlug is not null && bySlug is null)
            throw ProblemException.Validation("integration_type_slug", $"Unknown integration type '{input.TypeSlug}'.");
        if (input.TypeId is not null && byId is null)
            throw ProblemException.Validation("integration_type_id", $"Unknown integration type id {input.TypeId}.");
        if (bySlug is not null && byId is not null && bySlug.Id != byId.Id)
            throw ProblemException.Validation("integration_type_id", "integration_type_id and integration_type_slug name different types.");
        return (bySlug ?? byId)!;
    }

    /// <summary>An integration keeps its type: naming another one is an error, never silently ignored.</summary>
    private static void RefuseTypeChange(Integration current, IntegrationInput input, FieldErrors errors)
    {
        const string message = "An integration keeps its type; to use another type, connect it as a new integration.";
        if (input.TypeSlug is { } slug && slug != current.TypeSlug) errors.Add("integration_type_slug", message);
        if (input.TypeId is { } typeId && typeId != current.TypeId) errors.Add("integration_type_id", message);
    }

    private static JsonObject Merge(JsonObject current, JsonObject changes)
    {
        foreach (var (name, value) in changes)
        {
            if (value is null) current.Remove(name);
            else current[name] = value.DeepClone();
        }
        return current;
    }

    private static JsonObject Settings(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    /// <summary>The unguessable part of a Telegram webhook URL: 128 random bits, URL-safe.</summary>
    private static string NewWebhookKey() =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
