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

/// <summary>An integration as the API shows it: with its type and whether the tenant may use it now.</summary>
public sealed record IntegrationView(Integration Integration, IntegrationType? Type, bool IsAvailable, string? WebhookUrl);

public sealed record IntegrationInput(string? TypeSlug, int? TypeId, JsonObject? Settings, JsonObject? Credentials);

/// <summary>
/// Connecting and configuring integrations. Credentials go to the vault first and the row only
/// references them, so a failed vault write leaves nothing behind and a failed row write removes
/// the secret it had just written.
/// </summary>
public sealed class IntegrationService(
    IntegrationStore store, ICredentialVault vault, ProfileService profiles, CatalogService catalog, WebhookUrls urls, IntegrationDirectory directory,
    WorkingHoursStore workingHours, TimeProvider time, ILogger<IntegrationService> logger)
{
    public async Task<IReadOnlyList<IntegrationView>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integrations = await store.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return integrations.Select(i => View(i, profile, snapshot)).ToList();
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
                credentialsRef, null, NewWebhookKey(), null, now, now), cancellationToken).ConfigureAwait(false);
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
    /// the provider must be set up again with them, by activating.
    /// </summary>
    public async Task<IntegrationView> ReplaceAsync(Caller caller, int id, IntegrationInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw ProblemException.Conflict("The integration changed since you read it. Reload it and try again.");
        }
        var requirement = ConnectionRequirements.For(current.TypeSlug);
        var errors = new FieldErrors();
        var settingsJson = input.Settings is null ? current.SettingsJson : ConnectionRequirements.ValidateSettings(requirement, input.Settings, errors);
        var credentials = input.Credentials is null ? null : ConnectionRequirements.ValidateCredentials(requirement, input.Credentials, errors);
        errors.ThrowIfAny();

        var newCredentialsRef = credentials is { Count: > 0 }
            ? await vault.StoreAsync(SecretPrefix("c", caller.TenantId), credentials, cancellationToken).ConfigureAwait(false)
            : null;
        var routingChanged = requirement.RoutingSetting is { } routing
            && (Settings(settingsJson)[routing]?.ToJsonString() != current.Settings[routing]?.ToJsonString());
        var reconfigured = (newCredentialsRef is not null || routingChanged) && current.Status is IntegrationStatus.Active or IntegrationStatus.Error;
        var updated = current with
        {
            SettingsJson = settingsJson,
            CredentialsRef = newCredentialsRef ?? current.CredentialsRef,
            Status = reconfigured ? IntegrationStatus.Pending : current.Status,
            StatusDetail = reconfigured ? "Credentials or routing settings changed: activate again to apply them." : current.StatusDetail,
            UpdatedAt = time.GetUtcNow(),
        };
        var saved = await store.TryReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            await DeleteSecretQuietlyAsync(newCredentialsRef).ConfigureAwait(false);
            throw ProblemException.Conflict("The integration changed while saving. Reload it and try again.");
        }
        directory.Forget(saved.TenantId, saved.Id);
        if (newCredentialsRef is not null) await DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
        return View(saved, profile, snapshot);
    }

    /// <summary>Removes the row first (so nothing points at a deleted secret), then its routes, secrets and working hours.</summary>
    public async Task DeleteAsync(Caller caller, int id, Func<Integration, CancellationToken, Task> disconnect, CancellationToken cancellationToken)
    {
        var current = await FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        await disconnect(current, cancellationToken).ConfigureAwait(false);
        if (!await store.TryDeleteAsync(current, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Conflict("The integration changed while deleting. Reload it and try again.");
        }
        directory.Forget(current.TenantId, current.Id);
        await DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
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
        // An integration the tenant may not use now says why (type switched off, plan, sphere) where the frontend shows it.
        var unavailable = IntegrationAvailability.WhyUnavailable(type, profile, snapshot);
        var shown = unavailable is null ? integration : integration with { StatusDetail = unavailable.Detail };
        return new IntegrationView(shown, type, unavailable is null, urls.For(integration));
    }

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

    private static JsonObject Settings(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    /// <summary>The unguessable part of a Telegram webhook URL: 128 random bits, URL-safe.</summary>
    private static string NewWebhookKey() =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
