using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

/// <summary>
/// Removes one tenant's messages from every queue of the account (poison queues too). Queues cannot be
/// filtered, so each is read through: the tenant's messages are deleted, the others are held invisible
/// only while the scan lasts and then given back at once (their dequeue count goes up by one).
/// </summary>
public sealed class QueuePurge(SpheresStorage storage)
{
    private static readonly TimeSpan HoldDuringScan = TimeSpan.FromMinutes(2);
    private const int BatchSize = 32;

    /// <param name="emailKey">The index key of the tenant's email: a password-reset request names no tenant, only that key.</param>
    /// <returns>How many messages of the tenant were deleted.</returns>
    public async Task<int> DeleteTenantMessagesAsync(string tenantId, string emailKey, IReadOnlySet<string> skipQueues, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var name in await storage.ListQueueNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (skipQueues.Contains(name)) continue;
            var queue = await storage.QueueAsync(name, cancellationToken).ConfigureAwait(false);
            deleted += await PurgeAsync(queue, tenantId, emailKey, cancellationToken).ConfigureAwait(false);
        }
        return deleted;
    }

    private static async Task<int> PurgeAsync(QueueClient queue, string tenantId, string emailKey, CancellationToken cancellationToken)
    {
        var properties = await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        // Bounded before starting: at most what the queue held, plus what arrives during one scan's worth of batches.
        var budget = properties.Value.ApproximateMessagesCount + BatchSize;
        var held = new List<(string Id, string PopReceipt)>();
        var deleted = 0;
        try
        {
            while (budget > 0)
            {
                QueueMessage[] batch = await queue.ReceiveMessagesAsync(BatchSize, HoldDuringScan, cancellationToken).ConfigureAwait(false);
                if (batch.Length == 0) break;
                budget -= batch.Length;
                foreach (var message in batch)
                {
                    if (IsOfTenant(message, tenantId, emailKey))
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                        deleted++;
                    }
                    else
                    {
                        held.Add((message.MessageId, message.PopReceipt));
                    }
                }
            }
        }
        finally
        {
            foreach (var (id, popReceipt) in held)
            {
                try
                {
                    await queue.UpdateMessageAsync(id, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None)
                        .ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException)
                {
                    // Gone or taken meanwhile; otherwise it reappears when the hold ends.
                }
            }
        }
        return deleted;
    }

    /// <summary>
    /// Every queue message of the app is JSON naming its tenant as <c>tenant_id</c>, but a password-reset request, which names
    /// the email's index key as <c>email_key</c> (it is queued before anyone looks up whose email it is).
    /// </summary>
    private static bool IsOfTenant(QueueMessage message, string tenantId, string emailKey)
    {
        try
        {
            using var json = JsonDocument.Parse(message.Body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && (Names(json.RootElement, "tenant_id", tenantId) || Names(json.RootElement, "email_key", emailKey));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Names(JsonElement message, string property, string value) =>
        message.TryGetProperty(property, out var named) && named.ValueKind == JsonValueKind.String && named.GetString() == value;
}
