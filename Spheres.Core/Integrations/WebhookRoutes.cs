using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Integrations;

/// <summary>Where a delivery goes: the tenant and integration behind a provider's account id or our webhook key.</summary>
public sealed record WebhookRoute(string TenantId, int IntegrationId);

/// <summary>
/// The global index webhooks are routed by. A key is claimed with an insert-if-absent, so one
/// provider account belongs to at most one integration of one tenant.
/// <para>An integration row names the key it claims (<c>RouteKey</c>) before it claims it, so a claim
/// is live exactly while its integration exists and still names that key. A claim left behind (an
/// integration deleted or re-pointed half-way) is stale, and the next claimant takes it over.</para>
/// </summary>
public sealed class WebhookRoutes(SpheresStorage storage, IntegrationStore integrations)
{
    /// <summary>
    /// The route of a key we minted and gave the provider (a bot's webhook key, a push channel's id): URL-safe already, so
    /// never hashed. <paramref name="typeSlug"/> keeps two types' keys apart.
    /// </summary>
    public static string ChannelKey(string typeSlug, string ourKey) => typeSlug + "-" + ourKey;

    /// <summary>
    /// The route of a provider account id (page, phone number, Zoom account, Square merchant, Calendly user).
    /// Ids that are not plain letters and digits (Calendly's are URIs) are hashed: table keys may not hold '/'.
    /// </summary>
    public static string AccountKey(string typeSlug, string accountId) =>
        typeSlug + "-" + (accountId.All(char.IsAsciiLetterOrDigit) && accountId.Length <= 200
            ? accountId
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountId))));

    /// <summary>Claims <paramref name="key"/> for the integration; false when another live integration holds it.</summary>
    public async Task<bool> TryClaimAsync(string key, WebhookRoute route, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.WebhookRoutes, cancellationToken).ConfigureAwait(false);
        var claim = new TableEntity(key, "") { ["TenantId"] = route.TenantId, ["IntegrationId"] = route.IntegrationId };
        try
        {
            await table.AddEntityAsync(claim, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue) return false; // released meanwhile: the caller may try again
        var holder = ToRoute(existing.Value!);
        if (holder == route) return true; // ours already: activation is repeatable
        if (!await IsStaleAsync(holder, key, cancellationToken).ConfigureAwait(false)) return false;
        // Null: someone else moved first.
        return await table.TryUpdateAsync(claim, existing.Value!.ETag, cancellationToken).ConfigureAwait(false) is not null;
    }

    private async Task<bool> IsStaleAsync(WebhookRoute holder, string key, CancellationToken cancellationToken) =>
        await integrations.FindAsync(holder.TenantId, holder.IntegrationId, cancellationToken).ConfigureAwait(false) is not { } integration
        || integration.RouteKey != key;

    /// <summary>Releases the key if the integration holds it.</summary>
    public async Task ReleaseAsync(string key, WebhookRoute route, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.WebhookRoutes, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(key, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || ToRoute(row.Value!) != route) return;
        try
        {
            await table.DeleteEntityAsync(key, "", row.Value!.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>The route of a key; null for a key nobody holds, or one that could not be a key at all.</summary>
    public async Task<WebhookRoute?> FindAsync(string key, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsValid(key)) return null;
        var table = await storage.TableAsync(TableNames.WebhookRoutes, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(key, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToRoute(row.Value!) : null;
    }

    private static WebhookRoute ToRoute(TableEntity e) => new(e.GetString("TenantId"), e.GetInt32("IntegrationId") ?? 0);
}
