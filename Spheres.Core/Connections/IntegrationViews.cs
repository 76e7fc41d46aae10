using System.Text.Json.Nodes;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;

namespace Spheres.Core.Connections;

/// <summary>
/// An integration as the API shows it: with its type, whether the tenant may use it now, and one
/// sentence on why it is not active or not available (null only when it is both).
/// </summary>
public sealed record IntegrationView(Integration Integration, IntegrationType? Type, bool IsAvailable, string? WebhookUrl, string? StatusDetail = null);

/// <summary>What a create, replace or patch names: the type (create only), settings, and credentials.</summary>
public sealed record IntegrationInput(string? TypeSlug, int? TypeId, JsonObject? Settings, JsonObject? Credentials);

/// <summary>The tenant's integrations as the frontend reads them: the list, one, and the "Available Integrations" tab.</summary>
public sealed class IntegrationViews(TenantIntegrations tenant, IntegrationStore store, ConnectionRequirements requirements, WebhookUrls urls)
{
    public async Task<IReadOnlyList<IntegrationView>> ListAsync(Caller caller, CancellationToken cancellationToken, IntegrationStatus? status = null)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integrations = await store.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return integrations.Where(i => status is null || i.Status == status).Select(i => View(i, profile, snapshot)).ToList();
    }

    /// <summary>The "Available Integrations" tab: the types of the caller's sphere, country first, with why each is not usable yet.</summary>
    public async Task<IReadOnlyList<AvailableType>> AvailableAsync(Caller caller, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integrations = await store.ListAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return AvailableIntegrations.For(profile, snapshot, integrations);
    }

    public async Task<IntegrationView> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await tenant.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        return View(await tenant.FindAsync(caller, id, cancellationToken).ConfigureAwait(false), profile, snapshot);
    }

    public IntegrationView View(Integration integration, TenantProfile profile, CatalogSnapshot snapshot)
    {
        var type = snapshot.FindType(integration.TypeId);
        var unavailable = IntegrationAvailability.WhyUnavailable(type, profile, snapshot);
        var detail = unavailable?.Detail ?? (integration.Status == IntegrationStatus.Active ? null : integration.StatusDetail ?? DefaultDetail(integration));
        return new IntegrationView(integration, type, unavailable is null, urls.For(integration), detail);
    }

    /// <summary>Why an integration is not active, when nothing more specific was recorded.</summary>
    private string DefaultDetail(Integration integration)
    {
        var requirement = requirements.For(integration.TypeSlug);
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
}
