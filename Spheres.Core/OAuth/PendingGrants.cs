using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Providers;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>A consent kept aside until the tenant that asked for it confirms it: whose it would be, and where its tokens are.</summary>
public sealed record PendingGrant(string TenantId, int IntegrationId, string Provider, string SecretRef, DateTimeOffset ExpiresAt);

/// <summary>
/// Grants the callback exchanged but nobody attached yet (API.md: "Consent is bound to the owner who started it"). The
/// tokens go to the vault under the tenant's name first, then a row keyed by the SHA-256 of a fresh single-use confirm
/// code names them (in <c>OAuthStates</c>, with the tenant in a column, so erasure finds it); the code itself is only in
/// the browser's redirect. A grant is taken once, with its row's ETag: by the confirmation (<see cref="TakeAsync"/>), or,
/// once it expired, by <see cref="RevokeExpiredAsync"/>, which first claims the row so a confirmation racing it loses,
/// then revokes the grant at the provider, then deletes row and tokens.
/// </summary>
public sealed class PendingGrants(
    SpheresStorage storage, ICredentialVault vault, GrantRevocation revocation, ProviderRegistry providers, TimeProvider time, ILogger<PendingGrants> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A grant whose provider keeps refusing to revoke it is given up on after this long (its tokens are deleted all the same).</summary>
    public static readonly TimeSpan RevocationPatience = TimeSpan.FromDays(1);

    private const string Prefix = "grant-";

    /// <summary>How long a sweep that claimed a grant has to revoke it before another sweep may try.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>Keeps the tokens aside for <see cref="Lifetime"/>; the single-use code that confirms them.</summary>
    public async Task<string> KeepAsync(string tenantId, int integrationId, OAuthProvider provider, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var code = OAuthStateStore.NewRandomToken();
        var secretRef = await vault.StoreAsync(SecretNames.CredentialsOf(tenantId), tokens.ToCredentials(), cancellationToken).ConfigureAwait(false);
        try
        {
            var table = await TableAsync(cancellationToken).ConfigureAwait(false);
            await table.AddEntityAsync(new TableEntity(KeyOf(code), "")
            {
                ["TenantId"] = tenantId, ["IntegrationId"] = integrationId, ["Provider"] = provider.Name, ["SecretRef"] = secretRef,
                ["ExpiresAt"] = time.GetUtcNow() + Lifetime,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
            throw;
        }
        return code;
    }

    /// <summary>
    /// The grant of <paramref name="code"/> and its tokens, taken: nobody can take it again. Null for a code that is
    /// malformed, unknown, already taken or expired (an expired one is left to <see cref="RevokeExpiredAsync"/>).
    /// </summary>
    public async Task<(PendingGrant Grant, OAuthTokens Tokens)?> TakeAsync(string? code, CancellationToken cancellationToken)
    {
        if (!OAuthStateStore.IsWellFormed(code)) return null;
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(KeyOf(code!), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetDateTimeOffset("Claimed") is not null || ToGrant(row.Value) is not { } grant || grant.ExpiresAt <= time.GetUtcNow()) return null;
        var credentials = await vault.ReadAsync(grant.SecretRef, cancellationToken).ConfigureAwait(false);
        if (!await TryDeleteAsync(table, row.Value.PartitionKey, row.Value.ETag, cancellationToken).ConfigureAwait(false)) return null;
        if (credentials?.GetValueOrDefault("access_token") is not { } accessToken)
        {
            await DeleteSecretQuietlyAsync(grant.SecretRef).ConfigureAwait(false);
            return null;
        }
        var expiresAt = credentials.TryGetValue("expires_at", out var at) && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var parsed) ? parsed : (DateTimeOffset?)null;
        return (grant, new OAuthTokens(accessToken, credentials.GetValueOrDefault("refresh_token"), expiresAt));
    }

    /// <summary>A taken grant that is not to be attached (not the tenant's, or attaching failed before anything stored it): revoked, then its tokens deleted.</summary>
    public async Task RevokeAsync(PendingGrant grant, OAuthTokens tokens, string why, CancellationToken cancellationToken)
    {
        if (providers.OAuthProvider(grant.Provider) is { } provider)
        {
            await revocation.RevokeGrantAsync(provider, tokens.ToCredentials(), $"Unconfirmed consent for integration {grant.IntegrationId} ({why})",
                cancellationToken).ConfigureAwait(false);
        }
        await DeleteSecretQuietlyAsync(grant.SecretRef).ConfigureAwait(false);
    }

    /// <summary>Deletes the tokens of a grant attached elsewhere (the consent stored its own copy on the integration).</summary>
    public Task ForgetAsync(PendingGrant grant) => DeleteSecretQuietlyAsync(grant.SecretRef);

    /// <summary>Every grant nobody confirmed in time: revoked at its provider and deleted. At most <paramref name="limit"/> per run; how many.</summary>
    public async Task<int> RevokeExpiredAsync(int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Prefix} and PartitionKey lt {"grant."} and ExpiresAt le {time.GetUtcNow()}");
        return await RevokeMatchingAsync(filter, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Account erasure: the tenant's grants, expired or not, revoked and deleted.</summary>
    public Task RevokeAllOfTenantAsync(string tenantId, CancellationToken cancellationToken) =>
        RevokeMatchingAsync(TableClient.CreateQueryFilter($"PartitionKey ge {Prefix} and PartitionKey lt {"grant."} and TenantId eq {tenantId}"),
            int.MaxValue, cancellationToken);

    private async Task<int> RevokeMatchingAsync(string filter, int limit, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var done = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (done == limit) break;
            if (ToGrant(row) is not { } grant) continue;
            // Claimed first (ETag): a confirmation that read the row before cannot take it any more, nor can another sweep for a while.
            var now = time.GetUtcNow();
            if (row.GetDateTimeOffset("Claimed") is { } claimedAt && now - claimedAt < ClaimLease) continue;
            if (await table.TryUpdateAsync(new TableEntity(row.PartitionKey, "") { ["Claimed"] = now }, row.ETag, cancellationToken,
                    TableUpdateMode.Merge).ConfigureAwait(false) is not { } claimed) continue;
            var credentials = await vault.ReadAsync(grant.SecretRef, cancellationToken).ConfigureAwait(false);
            if (credentials is not null && providers.OAuthProvider(grant.Provider) is { } provider
                && !await revocation.RevokeGrantAsync(provider, credentials, $"Unconfirmed consent for integration {grant.IntegrationId}", cancellationToken)
                    .ConfigureAwait(false)
                && time.GetUtcNow() - grant.ExpiresAt < RevocationPatience)
            {
                continue; // the provider did not confirm: the next run tries again
            }
            await TryDeleteAsync(table, row.PartitionKey, claimed, cancellationToken).ConfigureAwait(false);
            await DeleteSecretQuietlyAsync(grant.SecretRef).ConfigureAwait(false);
            logger.LogInformation("Unconfirmed consent for integration {IntegrationId} of tenant {TenantId} revoked and deleted", grant.IntegrationId, grant.TenantId);
            done++;
        }
        return done;
    }

    private static PendingGrant? ToGrant(TableEntity row) =>
        row.GetString("TenantId") is { } tenantId && row.GetString("SecretRef") is { } secretRef && row.GetString("Provider") is { } provider
            ? new PendingGrant(tenantId, row.GetInt32("IntegrationId") ?? 0, provider, secretRef, row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue)
            : null;

    private static async Task<bool> TryDeleteAsync(TableClient table, string partitionKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            return (await table.DeleteEntityAsync(partitionKey, "", etag, cancellationToken).ConfigureAwait(false)).Status != 404;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    private async Task DeleteSecretQuietlyAsync(string reference)
    {
        try
        {
            await vault.DeleteAsync(reference, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CredentialVaultException or RequestFailedException)
        {
            logger.LogWarning("Could not delete the tokens of an unconfirmed consent ({Error}); the erasure sweep or a later run finds them", e.GetType().Name);
        }
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.OAuthStates, cancellationToken);

    private static string KeyOf(string code) => Prefix + OAuthStateStore.HashOf(code);
}
