namespace Spheres.Core.Storage;

/// <summary>
/// What Table Storage accepts as a PartitionKey or RowKey. Values from outside (route keys,
/// channel ids, cursors) are checked with this before they reach a key, so a bad one is the
/// caller's 4xx, never a storage error that reads as an outage.
/// </summary>
public static class TableKeys
{
    /// <summary>Keys may be up to 1 KiB; ours are far shorter, so anything longer is not one of ours.</summary>
    public const int MaxLength = 256;

    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength
        && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    /// <summary>The alphabet of the keys we mint ourselves (base64url): webhook keys, channel ids.</summary>
    public static bool IsUrlSafeToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
