using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Analytics;

/// <summary>The cached answers of one tenant in the <c>Analytics</c> table, by report (<c>peak-hours</c>, <c>sentiment</c>, <c>top-questions</c>).</summary>
internal static class AnalyticsCacheRows
{
    /// <param name="period"><c>from.to</c> (<c>2026-09-07.2026-09-20</c>) for that period's answer only.</param>
    public static async Task<IReadOnlyList<TableEntity>> OfAsync(TestHost host, string tenantId, string report, string? period = null)
    {
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Analytics, CancellationToken.None);
        return table.Query<TableEntity>($"PartitionKey eq '{tenantId}' and RowKey ge '{report}.' and RowKey lt '{report}/'")
            .Where(row => period is null || row.GetString("Key")?.Contains($".{period}.", StringComparison.Ordinal) == true).ToList();
    }
}
