using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Webhooks;

/// <summary>Where a delivery goes: the tenant and integration behind a provider's account id or our webhook key.</summary>
public sealed record WebhookRoute(string TenantId, int IntegrationId);

/// <summary>
/// The global index webhooks are routed by. A key is claimed with an insert-if-absent, so one
/// provider account belongs to at most one integration of one tenant.
/// </summary>
public sealed class WebhookRoutes(SpheresStorage storage)
{
    public static string TelegramKey(string webhookKey) => "telegram-" + webhookKey;

    /// <summary>Google Calendar push channels are ours: the channel id is the integration's webhook key.</summary>
    public static string GoogleChannelKey(string channelId) => "google-calendar-" + channelId;

    /// <summary>
    /// The route of a provider account id (page, phone number, Zoom account, Square merchant, Calendly user).
    /// Ids that are not plain letters and digits (Calendly's are URIs) are hashed: table keys may not hold '/'.
    /// </summary>
    public static string AccountKey(string typeSlug, string accountId) =>
        typeSlug + "-" + (accountId.All(char.IsAsciiLetterOrDigit) && accountId.Length <= 200
            ? accountId
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountId))));

    /// <summary>Claims <paramref name="key"/> for the integration; false when another integration holds it.</summary>
    public async Task<bool> TryClaimAsync(string key, WebhookRoute route, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.WebhookRoutes, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(key, "") { ["TenantId"] = route.TenantId, ["IntegrationId"] = route.IntegrationId },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await FindAsync(key, cancellationToken).ConfigureAwait(false) == route; // ours already: activation is repeatable
        }
    }

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
