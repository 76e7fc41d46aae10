using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Credentials;

/// <summary>
/// The vault for local runs and tests, used when no Key Vault URI is configured: AES-256-GCM
/// under a key from configuration, ciphertext in Table Storage. The secret's name is the
/// associated data, so a ciphertext moved to another row does not decrypt.
/// </summary>
public sealed class LocalCredentialVault : ICredentialVault
{
    private const string Partition = "secret";
    private readonly SpheresStorage _storage;
    private readonly byte[] _key;

    public LocalCredentialVault(SpheresStorage storage, byte[] key)
    {
        if (key.Length != 32) throw new ArgumentException("The local credential key must be 32 bytes (base64 in configuration).", nameof(key));
        _storage = storage;
        _key = key;
    }

    public async Task<string> StoreAsync(string namePrefix, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var name = SecretNames.New(namePrefix);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(values);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(_key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(name));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var table = await _storage.TableAsync(TableNames.Credentials, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(Partition, name)
        {
            ["Nonce"] = nonce, ["Ciphertext"] = ciphertext, ["Tag"] = tag,
        }, cancellationToken).ConfigureAwait(false);
        return name;
    }

    public async Task<IReadOnlyDictionary<string, string>?> ReadAsync(string reference, CancellationToken cancellationToken)
    {
        var table = await _storage.TableAsync(TableNames.Credentials, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, reference, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue) return null;
        var ciphertext = row.Value!.GetBinary("Ciphertext");
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(_key, AesGcm.TagByteSizes.MaxSize);
            aes.Decrypt(row.Value.GetBinary("Nonce"), ciphertext, row.Value.GetBinary("Tag"), plaintext, Encoding.UTF8.GetBytes(reference));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CredentialVaultException("A stored credential does not decrypt: the local key changed or the row was altered.", e);
        }
        return JsonSerializer.Deserialize<Dictionary<string, string>>(plaintext);
    }

    public async Task DeleteAsync(string reference, CancellationToken cancellationToken)
    {
        var table = await _storage.TableAsync(TableNames.Credentials, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(Partition, reference, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    public async Task DeleteAllOfTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await _storage.TableAsync(TableNames.Credentials, cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (SecretNames.BelongsTo(row.RowKey, tenantId)) names.Add(row.RowKey);
        }
        foreach (var name in names) await DeleteAsync(name, cancellationToken).ConfigureAwait(false);
    }
}
