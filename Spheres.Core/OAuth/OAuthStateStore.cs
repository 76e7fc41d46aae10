using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>What a state was issued for: the tenant and integration a callback may write, the provider and the PKCE verifier.</summary>
public sealed record OAuthGrant(string TenantId, int IntegrationId, string Provider, string? CodeVerifier, DateTimeOffset ExpiresAt);

public enum StateOutcome { Valid, Unknown, Expired }

/// <summary>
/// OAuth <c>state</c> values, kept server-side in <c>OAuthStates</c>. A state is 256 random bits; its row is keyed by
/// the state's SHA-256 (the table never holds a value that could be replayed) and binds it to tenant, integration,
/// provider, PKCE verifier and a 10-minute expiry. Taking a state deletes its row with its ETag, so of two callbacks
/// carrying one state at most one gets it. Each integration has one slot row naming its newest state; issuing a new
/// state deletes the one it replaces, so live states are bounded by one per integration.
/// </summary>
public sealed class OAuthStateStore(SpheresStorage storage, TimeProvider time)
{
    public const string Table = TableNames.OAuthStates;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private const int MaxSlotAttempts = 5;

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
            ["TenantId"] = tenantId, ["IntegrationId"] = integrationId, ["Provider"] = provider, ["CodeVerifier"] = codeVerifier,
            ["ExpiresAt"] = expiresAt,
        }, cancellationToken).ConfigureAwait(false);
        await ReplaceSlotAsync(table, tenantId, integrationId, key, cancellationToken).ConfigureAwait(false);
        return (state, expiresAt);
    }

    /// <summary>
    /// Consumes the state: valid once, within its lifetime. Unknown covers never issued, already taken (a replay, or the
    /// loser of two concurrent callbacks) and replaced by a newer connect. An expired state is consumed too.
    /// </summary>
    public async Task<(StateOutcome Outcome, OAuthGrant? Grant)> TakeAsync(string? state, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(state)) return (StateOutcome.Unknown, null);
        var table = await storage.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(KeyOf(state!), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue) return (StateOutcome.Unknown, null);
        try
        {
            // The client answers a missing row's 404 without throwing: that, too, is another callback having taken it.
            var deleted = await table.DeleteEntityAsync(row.Value!.PartitionKey, "", row.Value.ETag, cancellationToken).ConfigureAwait(false);
            if (deleted.Status == 404) return (StateOutcome.Unknown, null);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return (StateOutcome.Unknown, null); // another callback took it first
        }
        var entity = row.Value;
        var grant = new OAuthGrant(entity.GetString("TenantId"), entity.GetInt32("IntegrationId") ?? 0, entity.GetString("Provider"),
            entity.GetString("CodeVerifier"), entity.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue);
        return time.GetUtcNow() >= grant.ExpiresAt ? (StateOutcome.Expired, null) : (StateOutcome.Valid, grant);
    }

    /// <summary>Points the integration's slot at the new state and deletes the state it named; concurrent connects retry on the ETag.</summary>
    private static async Task ReplaceSlotAsync(TableClient table, string tenantId, int integrationId, string stateKey, CancellationToken cancellationToken)
    {
        var slotKey = "slot-" + integrationId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var slot = new TableEntity(tenantId, slotKey) { ["TenantId"] = tenantId, ["StateKey"] = stateKey };
        for (var attempt = 0; attempt < MaxSlotAttempts; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, slotKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!current.HasValue)
            {
                try
                {
                    await table.AddEntityAsync(slot, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    continue;
                }
            }
            if (await table.TryUpdateAsync(slot, current.Value!.ETag, cancellationToken).ConfigureAwait(false) is null) continue;
            if (current.Value.GetString("StateKey") is { } replaced && replaced != stateKey)
            {
                try
                {
                    await table.DeleteEntityAsync(replaced, "", ETag.All, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                }
            }
            return;
        }
    }

    /// <summary>The shape we issue: 43 base64url characters. Anything else never reaches a table key.</summary>
    public static bool IsWellFormed(string? state) => state is { Length: 43 } && TableKeys.IsUrlSafeToken(state);

    /// <summary>RFC 7636: the S256 challenge of a verifier.</summary>
    public static string ChallengeOf(string verifier) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>256 random bits, base64url (43 characters): states and PKCE verifiers alike.</summary>
    public static string NewRandomToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string KeyOf(string state) => "state-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(state)));
}
