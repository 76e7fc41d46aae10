using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spheres.Core.Connections;
using Spheres.Core.Integrations;
using Spheres.Functions.Catalog;

namespace Spheres.Functions.Integrations;

/// <summary>Give integration_type_slug or integration_type_id on create; on PUT/PATCH either may be sent but must name the integration's own type.</summary>
public sealed record IntegrationRequest(
    string? IntegrationTypeSlug,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] int? IntegrationTypeId,
    [property: OpenApi.Description("The type's setting_fields (connect block) by name; on PATCH a null value clears one.")] JsonObject? Settings,
    [property: OpenApi.Description("The type's credential_fields by name. Write-only: stored in the vault, never returned.")] JsonObject? Credentials)
{
    public IntegrationInput ToInput() => new(IntegrationTypeSlug, IntegrationTypeId, Settings, Credentials);
}

/// <summary>Integration JSON. Credentials are write-only: only <c>has_credentials</c> tells they are set.</summary>
public sealed record IntegrationJson(
    int Id,
    string UserId,
    int IntegrationTypeId,
    string IntegrationTypeSlug,
    string IntegrationTypeName,
    string Icon,
    [property: AllowedValues("pending", "active", "inactive", "error", "relink_required")] string Status,
    string? StatusDetail,
    bool IsAvailable,
    JsonObject Settings,
    bool HasCredentials,
    bool SupportsWorkingHours,
    string? WebhookUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static IntegrationJson From(IntegrationView view)
    {
        var i = view.Integration;
        return new IntegrationJson(i.Id, i.UserId, i.TypeId, i.TypeSlug, view.Type?.Name ?? i.TypeSlug, view.Type?.Icon ?? "", i.Status.ToApi(),
            view.StatusDetail, view.IsAvailable, i.Settings, i.HasCredentials, view.Type?.SupportsWorkingHours ?? false, view.WebhookUrl,
            i.CreatedAt, i.UpdatedAt);
    }
}

/// <summary>
/// A type on the "Available Integrations" tab: the type JSON plus whether the caller can connect it,
/// why not (<c>plan-required</c> or <c>country</c>), the plan that unlocks it and the caller's integration of it.
/// </summary>
public sealed record AvailableIntegrationJson(
    int Id, string Slug, string Name, string IntegrationType, string Description, string Icon,
    IReadOnlyList<string> Spheres, IReadOnlyList<int> SphereIds, bool RequiresOauth, string? OauthProvider,
    bool SupportsWebhooks, bool SupportsWorkingHours, IReadOnlyList<string> AvailableCountries, bool IsActive, int Order,
    ConnectJson Connect, bool IsAvailable,
    [property: AllowedValues("plan-required", "country")] string? UnavailableReason,
    [property: AllowedValues("free", "starter", "professional")] string RequiredPlan,
    int? IntegrationId)
{
    public static AvailableIntegrationJson From(AvailableType available, Core.Catalog.CatalogSnapshot catalog, ConnectionRequirements requirements)
    {
        var t = IntegrationTypeJson.From(available.Type, catalog, requirements);
        return new(t.Id, t.Slug, t.Name, t.IntegrationType, t.Description, t.Icon, t.Spheres, t.SphereIds, t.RequiresOauth, t.OauthProvider,
            t.SupportsWebhooks, t.SupportsWorkingHours, t.AvailableCountries, t.IsActive, t.Order, t.Connect, available.IsAvailable,
            available.Reason switch
            {
                Core.Integrations.UnavailableReason.PlanRequired => "plan-required",
                Core.Integrations.UnavailableReason.Country => "country",
                _ => null,
            },
            available.RequiredPlan.Id, available.IntegrationId);
    }
}
