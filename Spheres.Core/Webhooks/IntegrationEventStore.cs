using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Webhooks;

/// <summary>Something a scheduling or calendar provider told us: a booking made or cancelled, a meeting started, a calendar changed.</summary>
public sealed record IntegrationEvent(
    string TenantId, int IntegrationId, string Provider, string EventId, string Kind, DateTimeOffset OccurredAt, string Payload);

/// <summary>
/// Integration events in the tenant's partition of <c>IntegrationEvents</c>, keyed by the
/// provider's event id, so a retried delivery is stored once.
/// </summary>
public sealed class IntegrationEventStore(SpheresStorage storage)
{
    /// <summary>Kept per event: enough for a reader to act on, bounded so one event fits a table row.</summary>
    public const int MaxPayloadChars = 30_000;

    /// <summary>Stores the event; false when it was stored before.</summary>
    public async Task<bool> TryStoreAsync(IntegrationEvent e, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.IntegrationEvents, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(e.TenantId, Key(e.Provider, e.EventId))
            {
                ["IntegrationId"] = e.IntegrationId, ["Provider"] = e.Provider, ["EventId"] = Bounded(e.EventId, 1_000), ["Kind"] = Bounded(e.Kind, 200),
                ["OccurredAt"] = e.OccurredAt, ["Payload"] = e.Payload.Length > MaxPayloadChars ? e.Payload[..MaxPayloadChars] : e.Payload,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException error) when (error.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The key hashes the whole id; what is kept to read is cut so no provider value can outgrow a table property.</summary>
    private static string Bounded(string text, int length) => text.Length <= length ? text : text[..length];

    public async Task<IReadOnlyList<IntegrationEvent>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.IntegrationEvents, cancellationToken).ConfigureAwait(false);
        var events = new List<IntegrationEvent>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == tenantId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(new IntegrationEvent(tenantId, row.GetInt32("IntegrationId") ?? 0, row.GetString("Provider"), row.GetString("EventId"),
                row.GetString("Kind"), row.GetDateTimeOffset("OccurredAt") ?? default, row.GetString("Payload")));
        }
        return events;
    }

    private static string Key(string provider, string eventId) =>
        "e-" + provider + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..40];
}
