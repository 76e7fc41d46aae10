using Spheres.Core.Problems;

namespace Spheres.Core.Configuration;

/// <summary>
/// The one rule for secrets read from configuration. A missing value, or a Key Vault reference the platform could not
/// resolve (its literal <c>@Microsoft.KeyVault(...)</c> text, guessable from the public host name), is never used as a
/// key: what depends on it answers 503 <c>not-configured</c> instead. Options classes hold the raw value; every reader
/// goes through <see cref="IsUsable"/> or <see cref="Require"/>.
/// </summary>
public static class ConfiguredSecrets
{
    public const string NotConfiguredType = "not-configured";

    public static bool IsUsable(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value when usable, else null (a missing or unresolved setting is no value at all).</summary>
    public static string? UsableOrNull(string? value) => IsUsable(value) ? value : null;

    /// <summary>The secret's value; 503 <c>not-configured</c> naming <paramref name="setting"/> when it is missing or unresolved.</summary>
    public static string Require(string? value, string setting) => IsUsable(value) ? value! : throw NotConfigured(setting);

    public static ProblemException NotConfigured(string what) =>
        new(503, NotConfiguredType, "Not configured.", $"This endpoint is switched off until {what} is configured. Operators: see docs/deploy.md.")
        {
            RetryAfterSeconds = 300,
        };
}
