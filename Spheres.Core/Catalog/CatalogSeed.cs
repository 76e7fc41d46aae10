using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spheres.Core.Catalog;

/// <summary>
/// The one source of the catalog's facts: <c>catalog.json</c>, embedded in this assembly.
/// The reseed writes it to Table Storage; tests compare against it.
/// </summary>
public static class CatalogSeed
{
    private static readonly Lazy<CatalogSnapshot> Seed = new(Load);

    public static CatalogSnapshot Snapshot => Seed.Value;

    private static CatalogSnapshot Load()
    {
        using var stream = typeof(CatalogSeed).Assembly.GetManifestResourceStream("Spheres.Core.Catalog.catalog.json")
            ?? throw new InvalidOperationException("The embedded catalog.json is missing from Spheres.Core.");
        var file = JsonSerializer.Deserialize<SeedFile>(stream, SeedJson)
            ?? throw new InvalidOperationException("catalog.json is empty.");
        var types = file.IntegrationTypes.Select(t => new IntegrationType(
            t.Id, t.Slug, t.Name, t.IntegrationType, t.Description, t.Spheres, t.OauthProvider,
            t.SupportsWebhooks, t.SupportsWorkingHours, t.AvailableCountries, t.IsActive, t.Order, t.Icon)).ToList();
        return new CatalogSnapshot(file.Spheres, types);
    }

    private static readonly JsonSerializerOptions SeedJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private sealed record SeedFile(List<Sphere> Spheres, List<SeedType> IntegrationTypes);

    private sealed record SeedType(
        int Id, string Slug, string Name, string IntegrationType, string Description, string Icon, List<string> Spheres,
        string? OauthProvider, bool SupportsWebhooks, bool SupportsWorkingHours, List<string> AvailableCountries,
        bool IsActive, int Order);
}
