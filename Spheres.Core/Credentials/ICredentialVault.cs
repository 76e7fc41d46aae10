namespace Spheres.Core.Credentials;

/// <summary>
/// Where integration secrets live. A write creates a new secret under a fresh name and returns
/// that name as the reference the integration row keeps; values never leave through any other path.
/// </summary>
public interface ICredentialVault
{
    /// <summary>Stores <paramref name="values"/> as a new secret; returns its reference.</summary>
    Task<string> StoreAsync(string namePrefix, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken);

    /// <summary>The secret's values; null when the reference names nothing.</summary>
    Task<IReadOnlyDictionary<string, string>?> ReadAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Removes the secret; a missing one is not an error.</summary>
    Task DeleteAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Removes every secret written for the tenant (account erasure), referenced by a row or orphaned. Idempotent.</summary>
    Task DeleteAllOfTenantAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>The vault failed; the message names no secret value.</summary>
public sealed class CredentialVaultException(string message, Exception? inner = null) : Exception(message, inner);

public static class SecretNames
{
    /// <summary>
    /// Key Vault names allow letters, digits and '-', at most 127 characters. A random suffix
    /// makes every write a new name, so a soft-deleted name (purge protection) is never reused.
    /// </summary>
    /// <summary>Whether a secret name was made for this tenant: names are <c>{kind}-{tenant id}-{random}</c>.</summary>
    public static bool BelongsTo(string name, string tenantId) => name.Contains("-" + tenantId + "-", StringComparison.Ordinal);

    /// <summary>The prefix of an integration's credentials (tokens, keys) of <paramref name="tenantId"/>.</summary>
    public static string CredentialsOf(string tenantId) => $"c-{tenantId}";

    /// <summary>The prefix of the secrets we mint for a provider to sign or name its deliveries with (webhook secret, channel token).</summary>
    public static string WebhookSecretsOf(string tenantId) => $"w-{tenantId}";

    public static string New(string prefix) =>
        $"{prefix}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
}
