using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;

namespace Spheres.Core.Credentials;

/// <summary>Where integration secrets are kept: <c>Spheres:KeyVault:Uri</c> in Azure, <c>Spheres:Credentials:LocalKey</c> for local runs.</summary>
public sealed class VaultOptions
{
    public string? KeyVaultUri { get; set; }

    /// <summary>A base64 32-byte key for the local AES-GCM store (local runs and tests only).</summary>
    public string? LocalKey { get; set; }
}

public static class CredentialsRegistration
{
    public static IServiceCollection AddSpheresCredentials(this IServiceCollection services)
    {
        // Two settings of different sections (Spheres:KeyVault:Uri, Spheres:Credentials:LocalKey), read into one options class.
        services.AddOptions<VaultOptions>()
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((options, configuration) =>
            {
                options.KeyVaultUri = configuration[SettingNames.KeyVaultUri];
                options.LocalKey = configuration[SettingNames.LocalCredentialKey];
            })
            .Validate(o => o.KeyVaultUri is { Length: > 0 } || IsLocalKey(o.LocalKey),
                $"Set {SettingNames.KeyVaultUri} (Azure) or {SettingNames.LocalCredentialKey} (a base64 32-byte key, local runs only).")
            .ValidateOnStart();
        services.TryAddSingleton(CreateVault);
        return services;
    }

    private static bool IsLocalKey(string? key)
    {
        Span<byte> bytes = stackalloc byte[33];
        return key is { Length: > 0 } && Convert.TryFromBase64String(key, bytes, out var written) && written == 32;
    }

    /// <summary>Key Vault when <c>Spheres:KeyVault:Uri</c> is set, else the local AES-GCM store under <c>Spheres:Credentials:LocalKey</c>.</summary>
    private static ICredentialVault CreateVault(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<VaultOptions>>().Value;
        if (options.KeyVaultUri is { Length: > 0 } vaultUri)
        {
            var identity = services.GetRequiredService<IOptions<StorageOptions>>().Value.ClientId;
            return new KeyVaultCredentialVault(new SecretClient(new Uri(vaultUri), AzureIdentity.Credential(identity)));
        }
        if (string.IsNullOrEmpty(options.LocalKey))
        {
            throw new InvalidOperationException(
                $"Set {SettingNames.KeyVaultUri} (Azure) or {SettingNames.LocalCredentialKey} (a base64 32-byte key, local runs only).");
        }
        return new LocalCredentialVault(services.GetRequiredService<SpheresStorage>(), Convert.FromBase64String(options.LocalKey));
    }
}
