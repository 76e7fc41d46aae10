using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>An integration whose token or push channel is due: its keys and type, enough to lease and re-read it.</summary>
public sealed record DueIntegration(string TenantId, int IntegrationId, string TypeSlug, DateTimeOffset DueAt);

/// <summary>
/// Finds integrations due for a token refresh or a push renewal with ONE filtered query over the
/// <c>Integrations</c> table (all partitions), projecting only the few columns needed. Why not an index
/// table keyed by due time: tokens are written by several paths (PUT credentials, the consent callback, the
/// refresher itself) and an index each must keep exact drifts silently, while the rows' own
/// <c>TokenExpiresAt</c>/<c>PushExpiresAt</c> cannot. The service filters server-side; the cost is one
/// paged scan per run, measured in docs/oauth-maintenance.md. A run takes at most <c>max</c>: the soonest due first,
/// except those lapsed long ago (a provider refusing or unconfigured for days), which go last so they can never
/// crowd out tokens about to lapse. The rest are found by the next run.
/// </summary>
public sealed class OAuthSchedule(SpheresStorage storage, TimeProvider time)
{
    /// <summary>Bounds what one run reads: at this many due rows the timer is far behind anyway.</summary>
    public const int MaxScanned = 20_000;

    private static readonly TimeSpan LongLapsed = TimeSpan.FromHours(1);

    public Task<IReadOnlyList<DueIntegration>> TokensDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"TokenExpiresAt le {before} and Status ne {"relink_required"}"), "TokenExpiresAt", max, cancellationToken);

    public Task<IReadOnlyList<DueIntegration>> PushDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PushExpiresAt le {before} and Status eq {"active"}"), "PushExpiresAt", max, cancellationToken);

    private async Task<IReadOnlyList<DueIntegration>> QueryAsync(string filter, string dueColumn, int max, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Integrations, cancellationToken).ConfigureAwait(false);
        var due = new List<DueIntegration>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Id", "TypeSlug", dueColumn],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetInt32("Id") is not { } id || row.GetString("TypeSlug") is not { } slug || row.GetDateTimeOffset(dueColumn) is not { } dueAt) continue;
            due.Add(new DueIntegration(row.PartitionKey, id, slug, dueAt));
            if (due.Count >= MaxScanned) break;
        }
        var longAgo = time.GetUtcNow() - LongLapsed;
        return due.OrderBy(d => d.DueAt < longAgo).ThenBy(d => d.DueAt).Take(max).ToList();
    }
}
