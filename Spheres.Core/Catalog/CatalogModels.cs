namespace Spheres.Core.Catalog;

/// <summary>A business sphere the owner picks at sign-up. Ids are public and never renumbered.</summary>
public sealed record Sphere(
    int Id,
    string Slug,
    string Name,
    string Description,
    string Icon,
    string Color,
    bool IsActive,
    int Order);

/// <summary>One kind of integration a tenant can connect (a channel, calendar or booking platform).</summary>
public sealed record IntegrationType(
    int Id,
    string Slug,
    string Name,
    string IntegrationKind,
    string Description,
    IReadOnlyList<string> Spheres,
    string? OauthProvider,
    bool SupportsWebhooks,
    bool SupportsWorkingHours,
    IReadOnlyList<string> AvailableCountries,
    bool IsActive,
    int Order,
    string Icon)
{
    /// <summary>Worldwide marker in <see cref="AvailableCountries"/>.</summary>
    public const string Global = "GLOBAL";

    /// <summary>The general sphere's types are offered to every sphere.</summary>
    public const string GeneralSphere = "general";

    public bool RequiresOauth => OauthProvider is not null;

    public bool IsGeneral => Spheres.Contains(GeneralSphere);

    public bool IsAvailableIn(string countryCode) =>
        AvailableCountries.Contains(Global) || AvailableCountries.Contains(countryCode);
}
