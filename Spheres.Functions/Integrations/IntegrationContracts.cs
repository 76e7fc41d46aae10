using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spheres.Core.Connections;
using Spheres.Core.Integrations;
using Spheres.Functions.Catalog;

namespace Spheres.Functions.Integrations;

/// <summary>Give integration_type_slug or integration_type_id on create; on PUT/PATCH either may be sent but must name the integration's own type.</summary>
// Examples: which type exists, and which settings and credentials a type takes, is the catalog's (its connect block), not a schema's.
[OpenApi.ApiOneOf("integration_type_slug", "integration_type_id")]
public sealed record IntegrationRequest(
    [property: OpenApi.ApiExamples(IntegrationExamples.Slug), OpenApi.Description(IntegrationExamples.SlugText)] string? IntegrationTypeSlug,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString), OpenApi.ApiExamples(IntegrationExamples.Id)] int? IntegrationTypeId,
    [property: OpenApi.ApiExamples(IntegrationExamples.Greeting, "{}", IntegrationExamples.NoGreeting), OpenApi.Description(IntegrationExamples.SettingsText)] JsonObject? Settings,
    [property: OpenApi.ApiExamples(IntegrationExamples.BotToken, "{}"), OpenApi.Description(IntegrationExamples.CredentialsText)] JsonObject? Credentials)
{
    public IntegrationInput ToInput() => new(IntegrationTypeSlug, IntegrationTypeId, Settings, Credentials);
}

/// <summary>A new integration: as <see cref="IntegrationRequest"/>, and it names its type by one of the two.</summary>
[OpenApi.ApiOneOf("integration_type_slug", "integration_type_id", Required = true)]
public sealed record IntegrationCreateRequest(
    [property: OpenApi.ApiExamples(IntegrationExamples.Slug), OpenApi.Description(IntegrationExamples.SlugText)] string? IntegrationTypeSlug,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString), OpenApi.ApiExamples(IntegrationExamples.Id)] int? IntegrationTypeId,
    [property: OpenApi.ApiExamples(IntegrationExamples.Greeting, "{}"), OpenApi.Description(IntegrationExamples.SettingsText)] JsonObject? Settings,
    [property: OpenApi.ApiExamples(IntegrationExamples.BotToken, "{}"), OpenApi.Description(IntegrationExamples.CredentialsText)] JsonObject? Credentials)
{
    public IntegrationInput ToInput() => new(IntegrationTypeSlug, IntegrationTypeId, Settings, Credentials);
}

internal static class IntegrationExamples
{
    public const string Slug = "\"telegram\"";
    public const string Id = "5";
    public const string Greeting = """{"greeting":"Вітаємо!"}""";
    public const string NoGreeting = """{"greeting":null}""";
    public const string BotToken = """{"bot_token":"123456789:AAEabcdefghijabcdefghijabcdefghijabcdefghij"}""";
    public const string SlugText = "A type of the catalog; a new integration names it by this or integration_type_id. It cannot change.";
    public const string SettingsText = "The type's setting_fields (connect block) by name, at most 16 KB; on PATCH a null value clears one.";
    public const string CredentialsText = "The type's credential_fields by name, each in its field's shape. Write-only: stored in the vault, never returned.";
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
