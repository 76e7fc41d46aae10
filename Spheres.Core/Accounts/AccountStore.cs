using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// Accounts in Table Storage. A tenant's profile and users live in the tenant's partition of
/// <c>Tenants</c>; <c>EmailIndex</c> holds one row per email, which is what makes emails unique.
/// </summary>
public sealed class AccountStore(SpheresStorage storage)
{
    public const string ProfileRow = "profile";
    private const string UserRowPrefix = "user-";

    /// <summary>
    /// An index row is <c>pending</c> until its tenant is written, then <c>active</c>. Only active rows can sign in.
    /// <c>erasing</c>: the account is being erased; nobody signs in, and the email is taken until the erasure frees it.
    /// </summary>
    public enum EmailState { Pending, Active, Erasing }

    public sealed record EmailEntry(string Email, string TenantId, string UserId, EmailState State, DateTimeOffset ClaimedAt, ETag ETag);

    /// <summary>Claims an email with an insert-if-absent; the claim's ETag, or null when somebody already holds it.</summary>
    public async Task<ETag?> TryClaimEmailAsync(string email, string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(EmailRow(email, tenantId, userId, EmailState.Pending, now), cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <summary>Takes over a pending claim that was abandoned; the new claim's ETag, or null when another request got there first.</summary>
    public async Task<ETag?> TryTakeOverEmailAsync(EmailEntry abandoned, string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        return await table.TryUpdateAsync(EmailRow(abandoned.Email, tenantId, userId, EmailState.Pending, now), abandoned.ETag, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Turns this registration's own claim active. Conditional on the claim's ETag: a claim that expired
    /// and was taken over by another registration meanwhile is not overwritten (412 propagates).
    /// </summary>
    public async Task ActivateEmailAsync(string email, string tenantId, string userId, DateTimeOffset claimedAt, ETag claim, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(EmailRow(email, tenantId, userId, EmailState.Active, claimedAt), claim,
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives a claim back (best effort) after a registration failed half-way.</summary>
    public async Task ReleaseEmailAsync(string email, string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        var entry = await FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
        if (entry is { State: EmailState.Pending } && entry.TenantId == tenantId)
        {
            await table.DeleteEntityAsync(EmailKey(email), "", entry.ETag, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops sign-in for the tenant's email at once (erasure). Idempotent; a row of another tenant is left alone.</summary>
    public async Task MarkEmailErasingAsync(string email, string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var entry = await FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
            if (entry is null || entry.TenantId != tenantId || entry.State == EmailState.Erasing) return;
            try
            {
                await table.UpdateEntityAsync(EmailRow(email, tenantId, entry.UserId, EmailState.Erasing, entry.ClaimedAt), entry.ETag,
                    TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < 5)
            {
            }
        }
    }

    /// <summary>Frees the email of an erased tenant so it can register again. Idempotent; another tenant's row is left alone.</summary>
    public async Task FreeErasedEmailAsync(string email, string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        var entry = await FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
        if (entry is null || entry.TenantId != tenantId) return;
        try
        {
            await table.DeleteEntityAsync(EmailKey(email), "", entry.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    public Task<EmailEntry?> FindEmailAsync(string email, CancellationToken cancellationToken) => FindEmailByKeyAsync(EmailKey(email), cancellationToken);

    /// <summary>The email's row by its <see cref="EmailKey"/> (a password-reset request carries only the key, not the address).</summary>
    public async Task<EmailEntry?> FindEmailByKeyAsync(string emailKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.EmailIndex, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(emailKey, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue) return null;
        var e = row.Value!;
        return new EmailEntry(e.GetString("Email"), e.GetString("TenantId"), e.GetString("UserId"),
            Enum.Parse<EmailState>(e.GetString("State")), e.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue, e.ETag);
    }

    /// <summary>Writes the new tenant's profile and owner in one entity-group transaction: both or neither.</summary>
    public async Task CreateTenantAsync(TenantProfile profile, UserAccount owner, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, ToRow(profile)),
            new TableTransactionAction(TableTransactionActionType.Add, ToRow(owner)),
        ], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One point read.</summary>
    public async Task<TenantProfile?> FindProfileAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ProfileRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToProfile(row.Value!) : null;
    }

    /// <summary>Replaces the profile if nobody changed it since <see cref="TenantProfile.ETag"/> was read; false otherwise.</summary>
    public async Task<TenantProfile?> TryReplaceProfileAsync(TenantProfile profile, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(ToRow(profile), profile.ETag is { } etag ? new ETag(etag) : ETag.All,
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return profile with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    public async Task<UserAccount?> FindUserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, UserRowPrefix + userId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? ToUser(row.Value!) : null;
    }

    /// <summary>
    /// Replaces a user's password hash and with it the reset generation, so every reset link issued before is spent;
    /// false when the user is gone.
    /// </summary>
    public async Task<bool> TrySetPasswordHashAsync(UserAccount user, string passwordHash, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(user.TenantId, UserRowPrefix + user.UserId)
            {
                ["PasswordHash"] = passwordHash, ["ResetGeneration"] = Guid.NewGuid().ToString("N"),
            }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static UserAccount ToUser(TableEntity e) => new(e.PartitionKey, e.RowKey[UserRowPrefix.Length..], e.GetString("Email"), e.GetString("Name"),
        e.GetString("PasswordHash"), e.GetDateTimeOffset("CreatedAt") ?? default)
    {
        ResetGeneration = e.GetString("ResetGeneration"),
    };

    /// <summary>Table keys may not hold '/', '\', '#', '?' (all legal in emails): key by a hash instead.</summary>
    /// <summary>The profile and one user of a tenant in one request: both rows share the tenant's partition.</summary>
    public async Task<(TenantProfile? Profile, UserAccount? User)> FindProfileAndUserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Tenants, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and (RowKey eq {ProfileRow} or RowKey eq {UserRowPrefix + userId})");
        TenantProfile? profile = null;
        UserAccount? user = null;
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 2, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == ProfileRow) profile = ToProfile(e);
            else user = ToUser(e);
        }
        return (profile, user);
    }

    public static string EmailKey(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    private static TableEntity EmailRow(string email, string tenantId, string userId, EmailState state, DateTimeOffset claimedAt) =>
        new(EmailKey(email), "")
        {
            ["Email"] = email, ["TenantId"] = tenantId, ["UserId"] = userId, ["State"] = state.ToString(), ["ClaimedAt"] = claimedAt,
        };

    private static TableEntity ToRow(TenantProfile p) => new(p.TenantId, ProfileRow)
    {
        ["OwnerUserId"] = p.OwnerUserId, ["SphereId"] = p.SphereId, ["BusinessName"] = p.BusinessName,
        ["TimeZone"] = p.TimeZone, ["Country"] = p.Country, ["Plan"] = p.Plan,
        ["CreatedAt"] = p.CreatedAt, ["UpdatedAt"] = p.UpdatedAt,
    };

    private static TenantProfile ToProfile(TableEntity e) => new(
        e.PartitionKey, e.GetString("OwnerUserId"), e.GetInt32("SphereId") ?? 0, e.GetString("BusinessName"),
        e.GetString("TimeZone") ?? "UTC", e.GetString("Country"), e.GetString("Plan") ?? "free",
        e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("UpdatedAt") ?? default)
    {
        ETag = e.ETag.ToString(),
    };

    private static TableEntity ToRow(UserAccount u) => new(u.TenantId, UserRowPrefix + u.UserId)
    {
        ["Email"] = u.Email, ["Name"] = u.Name, ["PasswordHash"] = u.PasswordHash, ["CreatedAt"] = u.CreatedAt,
    };
}
