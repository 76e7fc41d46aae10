using System.Globalization;

namespace Spheres.Core.Catalog;

/// <summary>ISO 3166-1 alpha-2 codes, checked against the platform's region data (ICU).</summary>
public static class CountryCodes
{
    public static bool TryNormalize(string? raw, out string code)
    {
        code = raw?.Trim().ToUpperInvariant() ?? "";
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper))
        {
            return false;
        }
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
