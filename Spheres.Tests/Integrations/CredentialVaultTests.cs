using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Spheres.Core.Credentials;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

/// <summary>Key Vault through a mocked SecretClient (no emulator exists); the local store against Azurite.</summary>
public sealed class CredentialVaultTests
{
    private static readonly Dictionary<string, string> Values = new() { ["bot_token"] = "123:secret-value-for-vault-tests" };

    [Fact]
    public async Task Key_vault_stores_each_write_under_a_new_name_with_the_values_as_json()
    {
        var client = new Mock<SecretClient>();
        var written = new List<KeyVaultSecret>();
        client.Setup(c => c.SetSecretAsync(It.IsAny<KeyVaultSecret>(), It.IsAny<CancellationToken>()))
            .Callback<KeyVaultSecret, CancellationToken>((s, _) => written.Add(s))
            .ReturnsAsync((KeyVaultSecret s, CancellationToken _) => Response.FromValue(s, Mock.Of<Response>()));
        var vault = new KeyVaultCredentialVault(client.Object);

        var first = await vault.StoreAsync("c-tenant", Values, default);
        var second = await vault.StoreAsync("c-tenant", Values, default);

        Assert.NotEqual(first, second);
        Assert.All(written, s => Assert.Matches("^c-tenant-[0-9a-f]{12}$", s.Name));
        Assert.Equal(Values, JsonSerializer.Deserialize<Dictionary<string, string>>(written[0].Value));
        Assert.Equal([first, second], written.Select(s => s.Name));
    }

    [Fact]
    public async Task Key_vault_reads_back_and_a_missing_secret_is_null()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.GetSecretAsync("c-1", null, It.IsAny<SecretContentType?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(new KeyVaultSecret("c-1", JsonSerializer.Serialize(Values)), Mock.Of<Response>()));
        client.Setup(c => c.GetSecretAsync("gone", null, It.IsAny<SecretContentType?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(404, "SecretNotFound"));
        var vault = new KeyVaultCredentialVault(client.Object);

        Assert.Equal(Values, await vault.ReadAsync("c-1", default));
        Assert.Null(await vault.ReadAsync("gone", default));
    }

    [Fact]
    public async Task Key_vault_delete_is_a_soft_delete_and_a_missing_secret_is_fine()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.StartDeleteSecretAsync("gone", It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(404, "SecretNotFound"));
        var vault = new KeyVaultCredentialVault(client.Object);

        await vault.DeleteAsync("c-1", default);
        await vault.DeleteAsync("gone", default);

        client.Verify(c => c.StartDeleteSecretAsync("c-1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Key_vault_erasure_deletes_every_secret_named_for_the_tenant_and_no_other()
    {
        const string tenant = "0123456789abcdef0123456789abcdef", other = "fedcba9876543210fedcba9876543210";
        var client = new Mock<SecretClient>();
        var names = new[] { $"c-{tenant}-aaaaaaaaaaaa", $"c-{other}-bbbbbbbbbbbb", $"w-{tenant}-cccccccccccc", "spheres-auth-signing-key" };
        client.Setup(c => c.GetPropertiesOfSecretsAsync(It.IsAny<CancellationToken>())).Returns(AsyncPageable<SecretProperties>.FromPages(
            [Page<SecretProperties>.FromValues(names.Select(n => new SecretProperties(n)).ToList(), null, Mock.Of<Response>())]));
        var vault = new KeyVaultCredentialVault(client.Object);

        await vault.DeleteAllOfTenantAsync(tenant, default);

        client.Verify(c => c.StartDeleteSecretAsync($"c-{tenant}-aaaaaaaaaaaa", It.IsAny<CancellationToken>()), Times.Once);
        client.Verify(c => c.StartDeleteSecretAsync($"w-{tenant}-cccccccccccc", It.IsAny<CancellationToken>()), Times.Once);
        client.Verify(c => c.StartDeleteSecretAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Key_vault_failures_become_vault_errors_that_name_no_value()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.SetSecretAsync(It.IsAny<KeyVaultSecret>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(403, "Forbidden by RBAC"));
        var vault = new KeyVaultCredentialVault(client.Object);

        var error = await Assert.ThrowsAsync<CredentialVaultException>(() => vault.StoreAsync("c-tenant", Values, default));
        Assert.DoesNotContain("secret-value", error.Message);
        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task The_local_store_keeps_only_ciphertext_and_reads_it_back()
    {
        await using var host = await TestHost.StartSharedAsync();
        var vault = host.Services.GetRequiredService<ICredentialVault>();
        Assert.IsType<LocalCredentialVault>(vault);

        var reference = await vault.StoreAsync("c-localtest", Values, default);

        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Credentials, default);
        var row = (await table.GetEntityAsync<TableEntity>("secret", reference)).Value;
        var stored = string.Join("|", row.Select(kv => kv.Value).Select(v => v is byte[] b ? Convert.ToBase64String(b) + System.Text.Encoding.UTF8.GetString(b) : v?.ToString()));
        Assert.DoesNotContain("secret-value", stored);
        Assert.Equal(Values, await vault.ReadAsync(reference, default));

        await vault.DeleteAsync(reference, default);
        Assert.Null(await vault.ReadAsync(reference, default));
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_name_does_not_decrypt()
    {
        await using var host = await TestHost.StartSharedAsync();
        var vault = host.Services.GetRequiredService<ICredentialVault>();
        var a = await vault.StoreAsync("c-movetest", Values, default);
        var b = await vault.StoreAsync("c-movetest", new Dictionary<string, string> { ["api_key"] = "other" }, default);
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Credentials, default);
        var rowA = (await table.GetEntityAsync<TableEntity>("secret", a)).Value;
        await table.UpsertEntityAsync(new TableEntity("secret", b) { ["Nonce"] = rowA["Nonce"], ["Ciphertext"] = rowA["Ciphertext"], ["Tag"] = rowA["Tag"] });

        await Assert.ThrowsAsync<CredentialVaultException>(() => vault.ReadAsync(b, default));
    }
}
