using Microsoft.Extensions.Configuration;
using Spheres.Core.Problems;

namespace Spheres.Core.Configuration;

/// <summary>
/// Secrets read from configuration. A missing value, or a Key Vault reference the platform could not
/// resolve (its literal <c>@Microsoft.KeyVault(...)</c> text, guessable from the public host name),
/// is never used as a key: what depends on it answers 503 <c>not-configured</c> instead.
/// </summary>
public static class ConfiguredSecrets
{
    public const string NotConfiguredType = "not-configured";

    /// <summary>Every setting that holds a secret the app verifies or signs with.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        SettingNames.AuthSigningKey, SettingNames.MetaAppSecret, SettingNames.MetaVerifyToken, SettingNames.CalendlySigningKey,
        SettingNames.ZoomWebhookSecret, SettingNames.SquareSignatureKey,
        .. SettingNames.OAuthClientSecrets,
    ];

    public static bool IsUsable(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>The secret's value; 503 <c>not-configured</c> when it is missing or unresolved.</summary>
    public static string Require(IConfiguration configuration, string setting) =>
        configuration[setting] is { } value && IsUsable(value) ? value : throw NotConfigured(setting);

    public static ProblemException NotConfigured(string what) =>
        new(503, NotConfiguredType, "Not configured.", $"This endpoint is switched off until {what} is configured. Operators: see docs/deploy.md.")
        {
            RetryAfterSeconds = 300,
        };
}
