using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Providers;

/// <summary>What one sending account may send: <see cref="PerSecond"/> messages in any second, one per <see cref="PerRecipient"/> to one recipient.</summary>
public sealed record SendRate(int PerSecond, TimeSpan PerRecipient);

/// <summary>
/// A provider's send rate held by every instance together, in the tenant's partition of <c>SendBudgets</c>. A sending account
/// has <see cref="SendRate.PerSecond"/> slot rows (<c>{sender}_slot_{n}</c>) and one row per recipient (<c>{sender}_chat_{hash}</c>),
/// each holding when it was last used. A send takes a slot unused for a second and the recipient's row in one entity-group
/// transaction, insert-if-absent or on the ETag read: two instances never take the same slot, so no second-long window
/// holds more sends than there are slots. When none is free the caller is told how long to wait (nothing reserved).
/// Real time, not the app's clock: the provider counts real seconds. Rows are bounded (slots by the rate, recipients
/// by the nightly purge of rows idle for <see cref="Retention"/>).
/// </summary>
public sealed class SharedSendBudget(SpheresStorage storage, TimeProvider realTime)
{
    /// <summary>
    /// Added to each interval: a send reaches the provider after its reservation (a storage write and the HTTP call), not always
    /// equally soon, so slots are reused late rather than let two arrivals fall within the provider's window. Measured on a
    /// loaded machine the gap varied by up to about 200 ms; a bot's ceiling is 30 per 1.25 s, 24 a second.
    /// </summary>
    public static readonly TimeSpan Allowance = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Rows idle this long are purged; far beyond any interval, so a purge never frees a slot early.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private const string LastUsedAt = "LastUsedAt";

    /// <summary>Bounds the one query of a reservation (slot rows and the recipient's).</summary>
    public const int MaxPerSecond = 100;

    /// <summary>
    /// Reserves a send from <paramref name="sender"/> (an account of the tenant, e.g. <c>telegram_12</c>) to <paramref name="recipient"/>
    /// now: <see cref="TimeSpan.Zero"/>, or how long to wait.
    /// </summary>
    public async Task<TimeSpan> TryReserveAsync(string tenantId, string sender, string recipient, SendRate rate, CancellationToken cancellationToken)
    {
        if (rate.PerSecond is < 1 or > MaxPerSecond) throw new ArgumentOutOfRangeException(nameof(rate));
        var slotPrefix = sender + "_slot_";
        var chatKey = sender + "_chat_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipient)), 0, 16);
        if (!TableKeys.IsValid(tenantId) || !TableKeys.IsValid(slotPrefix + "00") || !TableKeys.IsValid(chatKey))
            throw new ArgumentException("The sending account does not make a table key.", nameof(sender));
        var table = await storage.TableAsync(TableNames.SendBudgets, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {tenantId} and ((RowKey ge {slotPrefix} and RowKey lt {slotPrefix + "~"}) or RowKey eq {chatKey})");
        // Each lost race means another send took a slot or this recipient: after PerSecond + 1 of them none is free.
        for (var round = 0; round < rate.PerSecond + 2; round++)
        {
            // One query: the slot rows (those past PerSecond, from a higher rate once, are ignored below) and the recipient's row.
            var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: MaxPerSecond + 1,
                               select: ["RowKey", LastUsedAt], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows[row.RowKey] = row;
                if (rows.Count > MaxPerSecond) break;
            }
            var now = realTime.GetUtcNow();
            var wait = TimeSpan.Zero;
            rows.TryGetValue(chatKey, out var chat);
            if (chat?.GetDateTimeOffset(LastUsedAt) is { } lastToChat && now - lastToChat < rate.PerRecipient + Allowance)
                wait = rate.PerRecipient + Allowance - (now - lastToChat);
            var slots = Enumerable.Range(0, rate.PerSecond).Select(n => $"{slotPrefix}{n:D2}")
                .Select(key => (Key: key, Row: rows.GetValueOrDefault(key))).ToList();
            var free = slots.Where(s => s.Row?.GetDateTimeOffset(LastUsedAt) is not { } used || now - used >= Window + Allowance).ToList();
            if (free.Count == 0)
            {
                var oldest = slots.Min(s => s.Row!.GetDateTimeOffset(LastUsedAt)!.Value);
                wait = TimeSpan.FromTicks(Math.Max(wait.Ticks, (Window + Allowance - (now - oldest)).Ticks));
            }
            if (wait > TimeSpan.Zero) return wait;

            // A random free slot: instances reserving at once rarely pick the same one.
            var (slotKey, slotRow) = free[Random.Shared.Next(free.Count)];
            try
            {
                await table.SubmitTransactionAsync([Take(tenantId, slotKey, slotRow, now), Take(tenantId, chatKey, chat, now)], cancellationToken)
                    .ConfigureAwait(false);
                return TimeSpan.Zero;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance took the slot or wrote to the recipient first: read again.
            }
        }
        throw new InvalidOperationException("The send budget kept changing; the queue delivers the message again.");
    }

    private static TableTransactionAction Take(string tenantId, string rowKey, TableEntity? read, DateTimeOffset now)
    {
        var row = new TableEntity(tenantId, rowKey) { [LastUsedAt] = now };
        return read is null
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, read.ETag);
    }

    /// <summary>Deletes the tenant's rows idle for <see cref="Retention"/> (the nightly retention run).</summary>
    public async Task<int> PurgeIdleAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.SendBudgets, cancellationToken).ConfigureAwait(false);
        var cutoff = realTime.GetUtcNow() - Retention;
        return await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and LastUsedAt lt {cutoff}"),
            cancellationToken).ConfigureAwait(false);
    }
}
