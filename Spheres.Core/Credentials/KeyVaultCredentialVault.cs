using System.Text.Json;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Spheres.Core.Credentials;

/// <summary>Credentials in Azure Key Vault: one secret per write, its value the JSON of the credential fields.</summary>
public sealed class KeyVaultCredentialVault(SecretClient client) : ICredentialVault
{
    public async Task<string> StoreAsync(string namePrefix, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var name = SecretNames.New(namePrefix);
        var secret = new KeyVaultSecret(name, JsonSerializer.Serialize(values));
        secret.Properties.ContentType = "application/json";
        try
        {
            await client.SetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new CredentialVaultException($"Key Vault refused to store a secret (HTTP {e.Status}).", e);
        }
        return name;
    }

    public async Task<IReadOnlyDictionary<string, string>?> ReadAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.GetSecretAsync(reference, cancellationToken: cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<Dictionary<string, string>>(secret.Value.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw new CredentialVaultException($"Key Vault refused to read a secret (HTTP {e.Status}).", e);
        }
    }

    public async Task DeleteAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            // Soft delete: with purge protection the vault keeps it for its retention period, unreadable to the app.
            await client.StartDeleteSecretAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        catch (RequestFailedException e)
        {
            throw new CredentialVaultException($"Key Vault refused to delete a secret (HTTP {e.Status}).", e);
        }
    }

    public async Task DeleteAllOfTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        try
        {
            // Listing reads names only, never values; erasure is rare, so a scan of the vault's names is acceptable.
            await foreach (var secret in client.GetPropertiesOfSecretsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (SecretNames.BelongsTo(secret.Name, tenantId)) await DeleteAsync(secret.Name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e)
        {
            throw new CredentialVaultException($"Key Vault refused to list secrets (HTTP {e.Status}).", e);
        }
    }
}
