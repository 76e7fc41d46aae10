using System.Text.Json.Nodes;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Connections;

/// <summary>
/// PUT and PATCH of an integration: <c>settings</c> (when given) and <c>credentials</c> (when given). Changing the
/// credentials or the routing setting of a connected integration puts it back to pending: the provider must be set up
/// again with them, by activating. The row is written first; then the old route is released, and deliveries tied to the
/// old credentials are stopped with them (kept on the row as retired until the provider confirms).
/// </summary>
public sealed class ChangeIntegration(
    TenantIntegrations tenant, IntegrationRows rows, ICredentialVault vault, WebhookRoutes routes,
    ConnectionRequirements requirements, RetiredCredentials retired, IntegrationViews views, TimeProvider time)
{
    /// <param name="mergeSettings">PATCH: the keys given are set (null clears one), the others stay; PUT replaces settings whole.</param>
    public async Task<IntegrationView> ReplaceAsync(Caller caller, int id, IntegrationInput input, string? ifMatch, CancellationToken cancellationToken,
        bool mergeSettings = false)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await tenant.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (ifMatch is not null && ifMatch != current.ETag)
        {
            throw ProblemException.PreconditionFailed("The integration changed since you read it. Reload it and try again.");
        }
        var requirement = requirements.For(current.TypeSlug);
        var errors = new FieldErrors();
        RefuseTypeChange(current, input, errors);
        var settings = input.Settings is { } given && mergeSettings ? Merge(current.Settings, given) : input.Settings;
        var settingsJson = settings is null ? current.SettingsJson : requirement.ValidateSettings(settings, errors);
        var credentials = input.Credentials is null ? null : requirement.ValidateCredentials(input.Credentials, errors);
        errors.ThrowIfAny();

        var newCredentialsRef = credentials is { Count: > 0 }
            ? await vault.StoreAsync(SecretNames.CredentialsOf(caller.TenantId), credentials, cancellationToken).ConfigureAwait(false)
            : null;
        var routingChanged = requirement.RoutingSetting is { } routing
            && (Settings(settingsJson)[routing]?.ToJsonString() != current.Settings[routing]?.ToJsonString());
        var reconfigured = (newCredentialsRef is not null || routingChanged) && current.Status is IntegrationStatus.Active or IntegrationStatus.Error or IntegrationStatus.RelinkRequired;
        // Deliveries set up with the old credentials keep coming until they are stopped with them.
        var retireOld = newCredentialsRef is not null && retired.MustRetire(current);
        var updated = current with
        {
            SettingsJson = settingsJson,
            CredentialsRef = newCredentialsRef ?? current.CredentialsRef,
            RouteKey = routingChanged ? null : current.RouteKey,
            Status = reconfigured ? IntegrationStatus.Pending : current.Status,
            StatusDetail = reconfigured ? "Credentials or routing settings changed: activate again to apply them." : current.StatusDetail,
            RetiredCredentialsRef = retireOld ? current.CredentialsRef : current.RetiredCredentialsRef,
            TokenExpiresAt = newCredentialsRef is null ? current.TokenExpiresAt : CreateIntegration.TokenExpiry(credentials),
            UpdatedAt = time.GetUtcNow(),
        };
        var saved = await rows.TrySaveAsync(updated, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            await rows.DeleteSecretQuietlyAsync(newCredentialsRef).ConfigureAwait(false);
            const string changed = "The integration changed while saving. Reload it and try again.";
            throw ifMatch is null ? ProblemException.Conflict(changed) : ProblemException.PreconditionFailed(changed);
        }
        if (routingChanged && current.RouteKey is { } oldRoute)
        {
            await routes.ReleaseAsync(oldRoute, new WebhookRoute(current.TenantId, current.Id), cancellationToken).ConfigureAwait(false);
        }
        if (retireOld)
        {
            saved = await retired.RetireAsync(saved, cancellationToken, noteFailure: true).ConfigureAwait(false);
        }
        else if (newCredentialsRef is not null)
        {
            await rows.DeleteSecretQuietlyAsync(current.CredentialsRef).ConfigureAwait(false);
        }
        return views.View(saved, profile, snapshot);
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
}
