using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>What a state was issued for: the tenant and integration a callback may write, the provider and the PKCE verifier.</summary>
public sealed record OAuthGrant(string TenantId, int IntegrationId, string Provider, string? CodeVerifier, DateTimeOffset ExpiresAt);

public enum StateOutcome { Valid, Unknown, Expired }

/// <summary>
/// OAuth <c>state</c> values, kept server-side in <c>OAuthStates</c>. A state is 256 random bits. Each integration has ONE
/// slot row (in the tenant's partition) holding its live state: the state's SHA-256, provider, PKCE verifier and 10-minute
/// expiry; a connect replaces it with an ETag-checked write, so however many connects race, one state is usable. The
/// callback finds the slot through a pointer row keyed by the state's hash (the table never holds a value that could be
/// replayed): a state is usable only while its integration's slot names it, and taking it deletes the slot with its
/// ETag, so of two callbacks at most one gets it. Whoever replaces a slot deletes the pointer it named; a connect that
/// cannot get the slot deletes its own; what is left (a crash) expires and is purged by <see cref="PurgeExpiredAsync"/>.
/// </summary>
public sealed class OAuthStateStore(SpheresStorage storage, TimeProvider time)
{
    public const string Table = TableNames.OAuthStates;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Concurrent connects of one integration retry on the slot's ETag; each round one of them wins.</summary>
    private const int MaxSlotAttempts = 40;

    private const string PointerPrefix = "state-";
    private const string SlotPrefix = "slot-";

    /// <summary>A new state for the integration (replacing its previous one) and when it expires.</summary>
    public async Task<(string State, DateTimeOffset ExpiresAt)> IssueAsync(string tenantId, int integrationId, string provider, string? codeVerifier,
        CancellationToken cancellationToken)
    {
        var state = NewRandomToken();
        var expiresAt = time.GetUtcNow() + Lifetime;
        var table = await storage.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var key = KeyOf(state);
        await table.AddEntityAsync(new TableEntity(key, "")
        {
            ["TenantId"] = tenantId, ["IntegrationId"] = integrationId, ["ExpiresAt"] = expiresAt,
        }, cancellationToken).ConfigureAwait(false);
        var slot = new TableEntity(tenantId, SlotKey(integrationId))
        {
            ["TenantId"] = tenantId, ["StateKey"] = key, ["Provider"] = provider, ["CodeVerifier"] = codeVerifier, ["ExpiresAt"] = expiresAt,
        };
        try
        {
            if (await TryTakeSlotAsync(table, slot, cancellationToken).ConfigureAwait(false) is { } replaced)
            {
                if (replaced != key) await DeleteQuietlyAsync(table, replaced, "", ETag.All, cancellationToken).ConfigureAwait(false);
                return (state, expiresAt);
            }
        }
        catch
        {
            await DeleteQuietlyAsync(table, key, "", ETag.All, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await DeleteQuietlyAsync(table, key, "", ETag.All, cancellationToken).ConfigureAwait(false);
        throw ProblemException.Conflict("Other connects of this integration are under way. Try again in a moment.");
    }

    /// <summary>
    /// Consumes the state: valid once, within its lifetime, while it is its integration's newest. Unknown covers never
    /// issued, already taken (a replay, or the loser of two concurrent callbacks) and replaced by a newer connect. An
    /// expired state is consumed too.
    /// </summary>
    public async Task<(StateOutcome Outcome, OAuthGrant? Grant)> TakeAsync(string? state, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(state)) return (StateOutcome.Unknown, null);
        var table = await storage.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var key = KeyOf(state!);
        var pointer = await table.GetEntityIfExistsAsync<TableEntity>(key, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!pointer.HasValue) return (StateOutcome.Unknown, null);
        var tenantId = pointer.Value!.GetString("TenantId");
        var integrationId = pointer.Value.GetInt32("IntegrationId") ?? 0;
        var slot = tenantId is { Length: > 0 }
            ? await table.GetEntityIfExistsAsync<TableEntity>(tenantId, SlotKey(integrationId), cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        var taken = slot is { HasValue: true } && slot.Value!.GetString("StateKey") == key
                    && await DeleteQuietlyAsync(table, tenantId!, SlotKey(integrationId), slot.Value.ETag, cancellationToken).ConfigureAwait(false);
        await DeleteQuietlyAsync(table, key, "", ETag.All, cancellationToken).ConfigureAwait(false);
        if (!taken) return (StateOutcome.Unknown, null); // replaced by a newer connect, or another callback took it first
        var entity = slot!.Value!;
        var grant = new OAuthGrant(tenantId!, integrationId, entity.GetString("Provider"), entity.GetString("CodeVerifier"),
            entity.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue);
        return time.GetUtcNow() >= grant.ExpiresAt ? (StateOutcome.Expired, null) : (StateOutcome.Valid, grant);
    }

    /// <summary>
    /// Deletes states and slots that expired before <paramref name="before"/>, at most <paramref name="limit"/>; returns how many.
    /// A slot is deleted with the ETag it was read with, so a connect that just renewed it keeps it.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"((PartitionKey ge {PointerPrefix} and PartitionKey lt {"state."}) or (RowKey ge {SlotPrefix} and RowKey lt {"slot."})) and ExpiresAt lt {before}");
        var purged = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (purged == limit) break;
            if (await DeleteQuietlyAsync(table, row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false)) purged++;
        }
        return purged;
    }

    /// <summary>Points the slot at the new state; the key of the state it named before (itself when there was none), or null when other connects kept winning.</summary>
    private static async Task<string?> TryTakeSlotAsync(TableClient table, TableEntity slot, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxSlotAttempts; attempt++)
        {
            if (attempt > 0) await Task.Delay(Random.Shared.Next(2, 25), cancellationToken).ConfigureAwait(false); // spread the contenders
            var current = await table.GetEntityIfExistsAsync<TableEntity>(slot.PartitionKey, slot.RowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (!current.HasValue)
            {
                try
                {
                    await table.AddEntityAsync(slot, cancellationToken).ConfigureAwait(false);
                    return slot.GetString("StateKey");
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    continue;
                }
            }
            if (await table.TryUpdateAsync(slot, current.Value!.ETag, cancellationToken).ConfigureAwait(false) is not null)
            {
                return current.Value.GetString("StateKey") ?? slot.GetString("StateKey");
            }
        }
        return null;
    }

    /// <summary>True when this call deleted the row; false when it was gone or changed (404, 412).</summary>
    private static async Task<bool> DeleteQuietlyAsync(TableClient table, string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            // The client answers a missing row's 404 without throwing.
            return (await table.DeleteEntityAsync(partitionKey, rowKey, etag, cancellationToken).ConfigureAwait(false)).Status != 404;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>The shape we issue: 43 base64url characters. Anything else never reaches a table key.</summary>
    public static bool IsWellFormed(string? state) => state is { Length: 43 } && TableKeys.IsUrlSafeToken(state);

    /// <summary>RFC 7636: the S256 challenge of a verifier.</summary>
    public static string ChallengeOf(string verifier) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>256 random bits, base64url (43 characters): states, PKCE verifiers and confirm codes alike.</summary>
    public static string NewRandomToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The row key that stands for a secret value (a state, a confirm code): its SHA-256, never the value.</summary>
    internal static string HashOf(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(value)));

    private static string KeyOf(string state) => PointerPrefix + HashOf(state);

    private static string SlotKey(int integrationId) => SlotPrefix + integrationId.ToString(CultureInfo.InvariantCulture);
}
