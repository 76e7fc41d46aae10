using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Plans;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Reviews;

/// <summary>
/// What one tenant may make the background work do, per its plan (<see cref="Plan.MaxReviews"/>,
/// <see cref="Plan.ImportsPerHour"/>): every stored review is embedded and analysed, so reviews are counted when they are
/// stored and imports when they start. Both are reserved before the work (an ETag-checked increment on a counter row in
/// the tenant's partition of <c>Reviews</c>, shared by every instance) and given back for what was not used. On top, one
/// instance runs at most <see cref="MaxConcurrentImports"/> imports at once, and one per tenant.
/// </summary>
public sealed class ReviewQuota(SpheresStorage storage, TimeProvider time)
{
    public const string LimitType = "review-limit";
    public const int MaxConcurrentImports = 4;
    public static readonly TimeSpan ImportWindow = TimeSpan.FromHours(1);

    private const string CountRow = "count-stored";
    private const string ImportsRow = "count-imports";
    private const int MaxAttempts = 12;

    private readonly ConcurrentDictionary<string, byte> _importing = new();
    private int _imports;

    /// <summary>An import's slot on this instance (one per tenant, a few in all); dispose when done. 429 when none is free.</summary>
    public IDisposable EnterImport(string tenantId)
    {
        if (Interlocked.Increment(ref _imports) > MaxConcurrentImports)
        {
            Interlocked.Decrement(ref _imports);
            throw ProblemException.TooManyRequests("Imports are busy right now. Try again in a few seconds.", 5);
        }
        if (!_importing.TryAdd(tenantId, 0))
        {
            Interlocked.Decrement(ref _imports);
            throw ProblemException.TooManyRequests("Another import of yours is running: wait for it to finish, then send the next.", 5);
        }
        return new Slot(this, tenantId);
    }

    /// <summary>Counts an import against the plan's imports per hour; 429 with Retry-After when they are used up.</summary>
    public async Task ReserveImportAsync(string tenantId, Plan plan, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Reviews, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, ImportsRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var start = row.HasValue ? row.Value!.GetDateTimeOffset("WindowStart") ?? now : now;
            var count = row.HasValue ? row.Value!.GetInt32("Count") ?? 0 : 0;
            if (now >= start + ImportWindow) (start, count) = (now, 0);
            if (count >= plan.ImportsPerHour)
            {
                var wait = (int)Math.Ceiling((start + ImportWindow - now).TotalSeconds);
                throw ProblemException.TooManyRequests(
                    $"Your plan allows {plan.ImportsPerHour} imports an hour; the next one is possible in {Math.Max(1, (wait + 59) / 60)} minute(s).", Math.Max(1, wait));
            }
            if (await TryWriteAsync(table, row, new TableEntity(tenantId, ImportsRow) { ["WindowStart"] = start, ["Count"] = count + 1 }, cancellationToken)
                    .ConfigureAwait(false)) return;
        }
        throw ProblemException.TooManyRequests("Too many imports at once. Try again in a moment.", 1);
    }

    /// <summary>Reserves room for <paramref name="count"/> more stored reviews; 403 <c>review-limit</c> when the plan's limit would be passed.</summary>
    public async Task ReserveReviewsAsync(string tenantId, Plan plan, int count, CancellationToken cancellationToken)
    {
        if (count <= 0) return;
        var table = await storage.TableAsync(TableNames.Reviews, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, CountRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            var stored = row.HasValue ? row.Value!.GetInt32("Stored") ?? 0 : 0;
            if (stored + count > plan.MaxReviews)
            {
                throw ProblemException.Forbidden(LimitType, $"Your plan stores at most {plan.MaxReviews} reviews; you have {stored}, so " +
                    (stored >= plan.MaxReviews ? "none more fit. Delete some first." : $"at most {plan.MaxReviews - stored} more fit. Import fewer."));
            }
            if (await TryWriteAsync(table, row, new TableEntity(tenantId, CountRow) { ["Stored"] = stored + count }, cancellationToken).ConfigureAwait(false)) return;
        }
        throw ProblemException.TooManyRequests("Too many reviews being stored at once. Try again in a moment.", 1);
    }

    /// <summary>Gives back room that was reserved and not used (duplicates, failures) or freed (a deleted review). Best effort, never below zero.</summary>
    public async Task ReleaseReviewsAsync(string tenantId, int count)
    {
        if (count <= 0) return;
        var table = await storage.TableAsync(TableNames.Reviews, CancellationToken.None).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, CountRow).ConfigureAwait(false);
            if (!row.HasValue) return;
            var stored = Math.Max(0, (row.Value!.GetInt32("Stored") ?? 0) - count);
            if (await TryWriteAsync(table, row, new TableEntity(tenantId, CountRow) { ["Stored"] = stored }, CancellationToken.None).ConfigureAwait(false)) return;
        }
    }

    private static async Task<bool> TryWriteAsync(TableClient table, NullableResponse<TableEntity> current, TableEntity next, CancellationToken cancellationToken)
    {
        try
        {
            if (current.HasValue) await table.UpdateEntityAsync(next, current.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            else await table.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false; // another reservation got there first: read again
        }
    }

    private sealed class Slot(ReviewQuota quota, string tenantId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            quota._importing.TryRemove(tenantId, out _);
            Interlocked.Decrement(ref quota._imports);
        }
    }
}
