using Azure;
using Azure.Data.Tables;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

/// <summary>
/// An account erasure in progress: who (the email is kept only to free it at the end) and how many
/// steps are done. The row is written before anything is erased and deleted after the last step.
/// </summary>
public sealed record ErasureJob(string TenantId, string UserId, string Email, int CompletedSteps, DateTimeOffset RequestedAt)
{
    /// <summary>When the last completed step finished (the request, before any step).</summary>
    public DateTimeOffset LastStepAt { get; init; } = RequestedAt;
}

/// <summary>Erasure job rows in <c>AccountErasures</c>, one per tenant (partition = tenant id).</summary>
public sealed class ErasureJobs(SpheresStorage storage)
{
    private const string JobRow = "job";

    /// <summary>Writes the job if none exists; false when the tenant's erasure was already requested.</summary>
    public async Task<bool> TryCreateAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(job.TenantId, JobRow)
            {
                ["UserId"] = job.UserId, ["Email"] = job.Email, ["CompletedSteps"] = job.CompletedSteps, ["RequestedAt"] = job.RequestedAt,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<ErasureJob?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenantId, JobRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue) return null;
        var e = row.Value!;
        var requestedAt = e.GetDateTimeOffset("RequestedAt") ?? default;
        return new ErasureJob(tenantId, e.GetString("UserId"), e.GetString("Email"), e.GetInt32("CompletedSteps") ?? 0, requestedAt)
        {
            LastStepAt = e.GetDateTimeOffset("LastStepAt") ?? requestedAt,
        };
    }

    /// <summary>Remembers that the first <paramref name="completedSteps"/> steps are done; a retry starts after them.</summary>
    public async Task SaveProgressAsync(string tenantId, int completedSteps, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(tenantId, JobRow) { ["CompletedSteps"] = completedSteps, ["LastStepAt"] = at }, ETag.All,
            TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last act of an erasure: with this row gone, nothing of the tenant is left.</summary>
    public async Task DeleteAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(tenantId, JobRow, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.AccountErasures, cancellationToken);
}
