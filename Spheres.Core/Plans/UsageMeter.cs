using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Plans;

/// <summary>Messages counted against the plan: one counter row per tenant and UTC month, beside the messages it counts.</summary>
public sealed class UsageMeter(SpheresStorage storage)
{
    public async Task<int> ReadAsync(string tenantId, UsagePeriod period, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.Messages, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, period.RowKey, ["MessagesUsed"], cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetInt32("MessagesUsed") ?? 0 : 0;
    }
}
