using Spheres.Core.Catalog;

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
    IReadOnlyList<string> Spheres,
    IReadOnlyList<int> SphereIds,
    bool RequiresOauth,
    string? OauthProvider,
    bool SupportsWebhooks,
    bool SupportsWorkingHours,
    IReadOnlyList<string> AvailableCountries,
    bool IsActive,
    int Order)
{
    public static IntegrationTypeJson From(IntegrationType t, CatalogSnapshot catalog) => new(
        t.Id, t.Slug, t.Name, t.IntegrationKind, t.Description, t.Spheres,
        t.Spheres.Select(slug => catalog.Spheres.FirstOrDefault(s => s.Slug == slug)?.Id).OfType<int>().ToList(),
        t.RequiresOauth, t.OauthProvider, t.SupportsWebhooks, t.SupportsWorkingHours, t.AvailableCountries, t.IsActive, t.Order);
}

public sealed record ReseedResultJson(long CatalogVersion, int Spheres, int IntegrationTypes);
