using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts.Sessions;

/// <summary>
/// Sign-in sessions in the tenant's partition of the Tenants table. A session is a family of
/// refresh tokens descended from one sign-in: <c>session-{id}</c> says whether it is revoked,
/// <c>refresh-{sha256}</c> is one token of it (spent once used). Password-reset tokens are
/// <c>reset-{sha256}</c>, and <c>reset-mailed-{request id}</c> says a reset mail went out. Only hashes of the secrets are stored. A <c>frozen</c> row says the tenant is being erased:
/// none of its sessions is live any more, whatever its own row says.
/// </summary>
public sealed class SessionStore(SpheresStorage storage)
{
    private const string SessionPrefix = "session-";
    private const string RefreshPrefix = "refresh-";
    private const string ResetPrefix = "reset-";
    // Inside the reset- key range on purpose: the purge of expired reset rows takes these along. A token row's key is
    // reset-{64 hex digits}, so "reset-mailed-…" can never be one.
    private const string ResetMailedPrefix = ResetPrefix + "mailed-";
    private const string FrozenRow = "frozen";

    public sealed record SessionRow(string TenantId, string SessionId, string UserId, bool Revoked);

    public sealed record SecretRow(string TenantId, string Hash, string UserId, string? SessionId, bool Spent, DateTimeOffset ExpiresAt, ETag ETag)
    {
        /// <summary>A reset token's: the user's reset generation when it was issued.</summary>
        public string? Generation { get; init; }
    }

    public async Task CreateSessionAsync(string tenantId, string sessionId, string userId, OpaqueToken first, DateTimeOffset expiresAt,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(tenantId, SessionPrefix + sessionId) { ["UserId"] = userId, ["Revoked"] = false, ["CreatedAt"] = now }),
            new TableTransactionAction(TableTransactionActionType.Add, RefreshRow(first, userId, sessionId, expiresAt)),
        ], cancellationToken).ConfigureAwait(false);
    }

    public async Task AddRefreshTokenAsync(OpaqueToken token, string userId, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(RefreshRow(token, userId, sessionId, expiresAt), cancellationToken).ConfigureAwait(false);
    }

    public Task<SecretRow?> FindRefreshTokenAsync(OpaqueToken token, CancellationToken cancellationToken) =>
        FindSecretAsync(token, RefreshPrefix, cancellationToken);

    public Task<SecretRow?> FindResetTokenAsync(OpaqueToken token, CancellationToken cancellationToken) =>
        FindSecretAsync(token, ResetPrefix, cancellationToken);

    /// <summary>A reset token of the user, valid while the user's reset generation is still <paramref name="generation"/>.</summary>
    public async Task AddResetTokenAsync(OpaqueToken token, string userId, string? generation, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(token.TenantId, ResetPrefix + token.Hash)
        {
            ["UserId"] = userId, ["Spent"] = false, ["ExpiresAt"] = expiresAt, ["Generation"] = generation,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the reset mail of this request (a queue message's <c>request_id</c>) went out already: a redelivery sends no second link.</summary>
    public async Task<bool> WasResetMailedAsync(string tenantId, string requestId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return (await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ResetMailedPrefix + requestId, ["RowKey"], cancellationToken)
            .ConfigureAwait(false)).HasValue;
    }

    /// <summary>Remembers that the reset mail of this request was sent, until its link expires (then <see cref="PurgeExpiredAsync"/> deletes it).</summary>
    public async Task MarkResetMailedAsync(string tenantId, string requestId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(tenantId, ResetMailedPrefix + requestId) { ["ExpiresAt"] = expiresAt },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the access tokens of the session may still be used: its row exists and is not revoked, and the tenant is
    /// not frozen. One single-partition query for both rows.
    /// </summary>
    public async Task<bool> IsLiveAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and (RowKey eq {SessionPrefix + sessionId} or RowKey eq {FrozenRow})");
        var live = false;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 2, select: ["RowKey", "Revoked"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.RowKey == FrozenRow) return false;
            live = row.GetBoolean("Revoked") == false;
        }
        return live;
    }

    /// <summary>From now on no session of the tenant is live (account erasure). Idempotent; erasure deletes the row with the partition.</summary>
    public async Task FreezeAsync(string tenantId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(tenantId, FrozenRow) { ["At"] = at }, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> IsFrozenAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        return (await table.GetEntityIfExistsAsync<TableEntity>(tenantId, FrozenRow, ["RowKey"], cancellationToken).ConfigureAwait(false)).HasValue;
    }

    /// <summary>Marks a token spent if nobody did since it was read (ETag); false when another use got there first.</summary>
    public async Task<bool> TrySpendAsync(SecretRow row, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var prefix = row.SessionId is null ? ResetPrefix : RefreshPrefix;
        return await table.TryUpdateAsync(new TableEntity(row.TenantId, prefix + row.Hash) { ["Spent"] = true }, row.ETag, cancellationToken,
            TableUpdateMode.Merge).ConfigureAwait(false) is not null;
    }

    /// <summary>The user's sessions that are not revoked: one single-partition range query.</summary>
    public async Task<IReadOnlyList<SessionRow>> ListLiveSessionsAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and RowKey ge {SessionPrefix} and RowKey lt {"session."} and UserId eq {userId} and Revoked eq false");
        var sessions = new List<SessionRow>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(ToSession(e));
        }
        return sessions;
    }

    public async Task RevokeSessionAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(tenantId, SessionPrefix + sessionId) { ["Revoked"] = true }, ETag.All,
                TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing to revoke.
        }
    }

    /// <summary>
    /// Deletes refresh and reset tokens past their expiry (spent ones are kept until then, so a replay is
    /// still recognised), at most <paramref name="limit"/> per run; returns how many. One scan of the table.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"((RowKey ge {RefreshPrefix} and RowKey lt {"refresh."}) or (RowKey ge {ResetPrefix} and RowKey lt {"reset."})) and ExpiresAt lt {now}");
        var purged = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (purged == limit) break;
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            purged++;
        }
        return purged;
    }

    private async Task<SecretRow?> FindSecretAsync(OpaqueToken token, string prefix, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(token.TenantId, prefix + token.Hash, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue) return null;
        var e = row.Value!;
        return new SecretRow(e.PartitionKey, token.Hash, e.GetString("UserId"), e.GetString("SessionId"), e.GetBoolean("Spent") ?? true,
            e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, e.ETag)
        {
            Generation = e.GetString("Generation"),
        };
    }

    private static TableEntity RefreshRow(OpaqueToken token, string userId, string sessionId, DateTimeOffset expiresAt) =>
        new(token.TenantId, RefreshPrefix + token.Hash) { ["UserId"] = userId, ["SessionId"] = sessionId, ["Spent"] = false, ["ExpiresAt"] = expiresAt };

    private static SessionRow ToSession(TableEntity e) =>
        new(e.PartitionKey, e.RowKey[SessionPrefix.Length..], e.GetString("UserId"), e.GetBoolean("Revoked") ?? true);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.Tenants, cancellationToken);
}
