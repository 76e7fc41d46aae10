using System.ComponentModel.DataAnnotations;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;

namespace Spheres.Functions.Catalog;

/// <summary>Sphere JSON as the frontend reads it.</summary>
public sealed record SphereJson(int Id, string Slug, string Name, string Description, string Icon, string Color, bool IsActive, int Order)
{
    public static SphereJson From(Sphere s) => new(s.Id, s.Slug, s.Name, s.Description, s.Icon, s.Color, s.IsActive, s.Order);
}

/// <summary>Integration type JSON as the frontend reads it.</summary>
public sealed record IntegrationTypeJson(
    int Id,
    string Slug,
    string Name,
    string IntegrationType,
    string Description,
    string Icon,
    IReadOnlyList<string> Spheres,
    IReadOnlyList<int> SphereIds,
    bool RequiresOauth,
    string? OauthProvider,
    bool SupportsWebhooks,
    bool SupportsWorkingHours,
    IReadOnlyList<string> AvailableCountries,
    bool IsActive,
    int Order,
    ConnectJson Connect)
{
    public static IntegrationTypeJson From(IntegrationType t, CatalogSnapshot catalog, ConnectionRequirements requirements) => new(
        t.Id, t.Slug, t.Name, t.IntegrationKind, t.Description, t.Icon, t.Spheres,
        t.Spheres.Select(slug => catalog.Spheres.FirstOrDefault(s => s.Slug == slug)?.Id).OfType<int>().ToList(),
        t.RequiresOauth, t.OauthProvider, t.SupportsWebhooks, t.SupportsWorkingHours, t.AvailableCountries, t.IsActive, t.Order,
        ConnectJson.From(requirements.For(t.Slug)));
}

/// <summary>How to draw a type's connect form without knowing the type.</summary>
public sealed record ConnectJson([property: AllowedValues("oauth", "bot_token", "api_key", "credentials")] string Method, IReadOnlyList<CredentialFieldJson> CredentialFields, IReadOnlyList<SettingFieldJson> SettingFields)
{
    public static ConnectJson From(ConnectionRequirement requirement) => new(
        requirement.Method switch
        {
            ConnectMethod.OAuth => "oauth",
            ConnectMethod.BotToken => "bot_token",
            ConnectMethod.ApiKey => "api_key",
            _ => "credentials",
        },
        requirement.CredentialFields.Select(f => new CredentialFieldJson(f.Name, f.Label, f.Secret, f.Required, f.Pattern)).ToList(),
        requirement.Settings.Select(f => new SettingFieldJson(f.Name, f.Label, f.Required, f.Kind.ToString().ToLowerInvariant())).ToList());
}

/// <summary>A credential input: masked when <c>secret</c>; <c>pattern</c> (an ECMAScript regex) when the value has a fixed shape.</summary>
public sealed record CredentialFieldJson(
    string Name, string Label, bool Secret, bool Required,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Pattern);

/// <summary>A setting input; <c>kind</c> is string (one line), text (several lines) or id (a provider's id).</summary>
public sealed record SettingFieldJson(string Name, string Label, bool Required, [property: AllowedValues("string", "text", "id")] string Kind);

public sealed record ReseedResultJson(long CatalogVersion, int Spheres, int IntegrationTypes);
