using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.Catalog;

public enum CatalogItemKind { Sphere, IntegrationType }

/// <summary>
/// An operator's change to one catalog item, kept beside the seed and applied on top of it when the
/// catalog is read, so a reseed never undoes it. Fields carry the API's JSON names and values.
/// </summary>
public sealed record CatalogOverride(CatalogItemKind Kind, int Id, IReadOnlyDictionary<string, JsonNode> Fields)
{
    public static readonly IReadOnlyList<string> SphereFields = ["name", "description", "icon", "color", "is_active", "order"];
    public static readonly IReadOnlyList<string> TypeFields = ["name", "description", "is_active", "order", "available_countries"];

    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxCountries = 300;

    public static IReadOnlyList<string> FieldsOf(CatalogItemKind kind) => kind == CatalogItemKind.Sphere ? SphereFields : TypeFields;

    public Sphere Apply(Sphere s) => s with
    {
        Name = Text("name") ?? s.Name,
        Description = Text("description") ?? s.Description,
        Icon = Text("icon") ?? s.Icon,
        Color = Text("color") ?? s.Color,
        IsActive = Flag("is_active") ?? s.IsActive,
        Order = Number("order") ?? s.Order,
    };

    public IntegrationType Apply(IntegrationType t) => t with
    {
        Name = Text("name") ?? t.Name,
        Description = Text("description") ?? t.Description,
        IsActive = Flag("is_active") ?? t.IsActive,
        Order = Number("order") ?? t.Order,
        AvailableCountries = Fields.TryGetValue("available_countries", out var countries)
            ? countries.AsArray().Select(c => c!.GetValue<string>()).ToList()
            : t.AvailableCountries,
    };

    private string? Text(string field) => Fields.TryGetValue(field, out var v) ? v.GetValue<string>() : null;
    private bool? Flag(string field) => Fields.TryGetValue(field, out var v) ? v.GetValue<bool>() : null;
    private int? Number(string field) => Fields.TryGetValue(field, out var v) ? v.GetValue<int>() : null;

    /// <summary>
    /// Validates a PATCH body for an item of <paramref name="kind"/>: every key must be a field that
    /// may be overridden; <c>null</c> means "back to the seed's value" for that field. Every error is
    /// reported at once, by field, and nothing is written when there is one.
    /// </summary>
    public static Dictionary<string, JsonNode?> ValidatePatch(CatalogItemKind kind, JsonObject body)
    {
        var allowed = FieldsOf(kind);
        var errors = new FieldErrors();
        var changes = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (body.Count == 0) errors.Add("body", $"Name at least one field to change: {string.Join(", ", allowed)}.");
        foreach (var (field, value) in body)
        {
            if (!allowed.Contains(field))
            {
                errors.Add(field, $"This field cannot be changed here. Fields that can: {string.Join(", ", allowed)}.");
                continue;
            }
            if (value is null)
            {
                changes[field] = null;
                continue;
            }
            if (Normalize(field, value, out var error) is { } normalized) changes[field] = normalized;
            else errors.Add(field, error!);
        }
        errors.ThrowIfAny();
        return changes;
    }

    public const string IconPatternText = "^[a-z0-9][a-z0-9-]{0,49}$";
    public const string ColorPatternText = "^#[0-9A-Fa-f]{6}$";
    public const int MaxOrder = 100_000;
    private static readonly Regex IconPattern = new(IconPatternText, RegexOptions.CultureInvariant);
    private static readonly Regex ColorPattern = new(ColorPatternText, RegexOptions.CultureInvariant);

    private static JsonNode? Normalize(string field, JsonNode value, out string? error)
    {
        error = null;
        var kind = value.GetValueKind();
        switch (field)
        {
            case "name" or "description":
                var max = field == "name" ? MaxNameLength : MaxDescriptionLength;
                if (kind != System.Text.Json.JsonValueKind.String || value.GetValue<string>().Trim() is not { Length: > 0 } text || text.Length > max)
                {
                    error = $"Give a non-empty text of at most {max} characters.";
                    return null;
                }
                return JsonValue.Create(text);
            case "icon":
                if (kind == System.Text.Json.JsonValueKind.String && IconPattern.IsMatch(value.GetValue<string>())) return JsonValue.Create(value.GetValue<string>());
                error = "Give an icon name: lowercase letters, digits and '-', at most 50 characters.";
                return null;
            case "color":
                if (kind == System.Text.Json.JsonValueKind.String && ColorPattern.IsMatch(value.GetValue<string>()))
                    return JsonValue.Create(value.GetValue<string>().ToUpperInvariant());
                error = "Give a color as #RRGGBB.";
                return null;
            case "is_active":
                if (kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False) return JsonValue.Create(value.GetValue<bool>());
                error = "Give true or false.";
                return null;
            case "order":
                if (kind == System.Text.Json.JsonValueKind.Number && value.AsValue().TryGetValue<int>(out var order) && order is >= 0 and <= MaxOrder)
                    return JsonValue.Create(order);
                error = "Give a whole number from 0 to 100000.";
                return null;
            default: // available_countries
                return NormalizeCountries(value, out error);
        }
    }

    private static JsonArray? NormalizeCountries(JsonNode value, out string? error)
    {
        error = null;
        if (value is not JsonArray array || array.Count is 0 or > MaxCountries)
        {
            error = $"Give a list of 1 to {MaxCountries} ISO 3166-1 alpha-2 codes, or [\"{IntegrationType.Global}\"].";
            return null;
        }
        var codes = new List<string>();
        var wrong = new List<string>();
        foreach (var item in array)
        {
            var raw = item is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : item?.ToJsonString() ?? "null";
            if (string.Equals(raw.Trim(), IntegrationType.Global, StringComparison.OrdinalIgnoreCase)) codes.Add(IntegrationType.Global);
            else if (CountryCodes.TryNormalize(raw, out var code)) codes.Add(code);
            else if (wrong.Count < 10) wrong.Add(raw.Length > 20 ? raw[..20] + "…" : raw);
        }
        if (wrong.Count > 0)
        {
            error = $"Not ISO 3166-1 alpha-2 codes (or {IntegrationType.Global}): {string.Join(", ", wrong)}.";
            return null;
        }
        return new JsonArray(codes.Distinct(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
    }
}
