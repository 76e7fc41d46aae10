using System.Security.Cryptography;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Connections;

/// <summary>
/// Connecting a type: checked against the sphere, plan and the type's requirement, then the credentials go to the vault
/// first and the row only references them, so a failed vault write leaves nothing behind and a failed row write removes
/// the secret it had just written.
/// </summary>
public sealed class CreateIntegration(
    TenantIntegrations tenant, IntegrationStore store, IntegrationRows rows, ICredentialVault vault, ConnectionRequirements requirements,
    IntegrationViews views, TimeProvider time)
{
    public async Task<IntegrationView> CreateAsync(Caller caller, IntegrationInput input, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var type = ResolveType(input, snapshot);
        if (IntegrationAvailability.WhyUnavailable(type, profile, snapshot) is { } reason) throw reason;

        var requirement = requirements.For(type.Slug);
        var errors = new FieldErrors();
        var settingsJson = requirement.ValidateSettings(input.Settings ?? [], errors);
        var credentials = input.Credentials is null ? null : requirement.ValidateCredentials(input.Credentials, errors);
        errors.ThrowIfAny();

        var now = time.GetUtcNow();
        var credentialsRef = credentials is { Count: > 0 }
            ? await vault.StoreAsync(SecretNames.CredentialsOf(caller.TenantId), credentials, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var created = await store.CreateAsync(caller.TenantId, id => new Integration(
                caller.TenantId, id, caller.UserId, type.Id, type.Slug, IntegrationStatus.Pending, null, settingsJson,
                credentialsRef, null, NewWebhookKey(), null, now, now) { TokenExpiresAt = TokenExpiry(credentials) }, cancellationToken).ConfigureAwait(false);
            return views.View(created, profile, snapshot);
        }
        catch (Exception e)
        {
            await rows.DeleteSecretQuietlyAsync(credentialsRef).ConfigureAwait(false);
            if (e is IntegrationStore.DuplicateTypeException)
            {
                throw ProblemException.Conflict($"You already have a {type.Name} integration. Change or delete that one instead.");
            }
            throw;
        }
    }

    /// <summary>When OAuth tokens given directly expire (their <c>expires_at</c>): the refresher's schedule; null for other credentials.</summary>
    internal static DateTimeOffset? TokenExpiry(IReadOnlyDictionary<string, string>? credentials) =>
        CredentialField.TokenExpiry(credentials?.GetValueOrDefault("expires_at"));

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

    /// <summary>The unguessable part of a webhook URL: 128 random bits, URL-safe.</summary>
    private static string NewWebhookKey() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
