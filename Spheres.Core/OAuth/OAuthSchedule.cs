using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.OAuth;

/// <summary>An integration whose token or push channel is due: its keys and type, enough to lease and re-read it.</summary>
public sealed record DueIntegration(string TenantId, int IntegrationId, string TypeSlug);

/// <summary>
/// Finds integrations due for a token refresh or a push renewal with ONE filtered query over the
/// <c>Integrations</c> table (all partitions), projecting only the few columns needed. Why not an index
/// table keyed by due time: tokens are written by several paths (PUT credentials, the consent callback, the
/// refresher itself) and an index each must keep exact drifts silently, while the rows' own
/// <c>TokenExpiresAt</c>/<c>PushExpiresAt</c> cannot. The service filters server-side; the cost is one
/// paged scan per run, measured in docs/oauth-maintenance.md. A run takes at most <paramref name="max"/>;
/// the rest are found by the next run (every few minutes, long before a 1-hour token lapses).
/// </summary>
public sealed class OAuthSchedule(SpheresStorage storage)
{
    public Task<IReadOnlyList<DueIntegration>> TokensDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"TokenExpiresAt le {before} and Status ne {"relink_required"}"), max, cancellationToken);

    public Task<IReadOnlyList<DueIntegration>> PushDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PushExpiresAt le {before} and Status eq {"active"}"), max, cancellationToken);

    private async Task<IReadOnlyList<DueIntegration>> QueryAsync(string filter, int max, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Integrations, cancellationToken).ConfigureAwait(false);
        var due = new List<DueIntegration>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Id", "TypeSlug"],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetInt32("Id") is not { } id || row.GetString("TypeSlug") is not { } slug) continue;
            due.Add(new DueIntegration(row.PartitionKey, id, slug));
            if (due.Count >= max) break;
        }
        return due;
    }
}
