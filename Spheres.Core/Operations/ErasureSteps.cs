using Azure.Data.Tables;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

/// <summary>One step of an erasure. Every step is idempotent: run again after a crash, it finishes what is left.</summary>
public sealed record ErasureStep(string Name, Func<ErasureJob, CancellationToken, Task> RunAsync);

/// <summary>
/// What erasing a tenant does, in an order where each step still finds what it needs: the providers are
/// told first (that needs the credentials), then the secrets go (that needs the integration rows), then the
/// routing index, the queue messages, every row of the tenant's partition in every table, and last the email.
/// </summary>
public sealed class ErasureSteps(
    AccountStore accounts, IntegrationStore integrations, ICredentialVault vault, ProviderDisconnect providers, QueuePurge queues,
    SpheresStorage storage)
{
    public IReadOnlyList<ErasureStep> All =>
    [
        new("sign-in", (job, ct) => accounts.MarkEmailErasingAsync(job.Email, job.TenantId, ct)),
        new("providers", DisconnectProvidersAsync),
        new("secrets", DeleteSecretsAsync),
        new("routes", DeleteRoutesAsync),
        new("queue-messages", (job, ct) => queues.DeleteTenantMessagesAsync(job.TenantId, new HashSet<string> { TableNames.AccountErasureQueue }, ct)),
        new("rows", DeleteRowsAsync),
        new("email", (job, ct) => accounts.FreeErasedEmailAsync(job.Email, job.TenantId, ct)),
    ];

    private async Task DisconnectProvidersAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        foreach (var integration in await integrations.ListAsync(job.TenantId, cancellationToken).ConfigureAwait(false))
        {
            await providers.DisconnectAsync(integration, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteSecretsAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        foreach (var integration in await integrations.ListAsync(job.TenantId, cancellationToken).ConfigureAwait(false))
        {
            if (integration.CredentialsRef is { } credentials) await vault.DeleteAsync(credentials, cancellationToken).ConfigureAwait(false);
            if (integration.WebhookSecretRef is { } webhook) await vault.DeleteAsync(webhook, cancellationToken).ConfigureAwait(false);
        }
        // Secrets no row points at any more (a failed clean-up earlier) carry the tenant in their name.
        await vault.DeleteAllOfTenantAsync(job.TenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The routing index is global (keyed by provider account or webhook key); its rows name their tenant.</summary>
    private async Task DeleteRoutesAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.WebhookRoutes, cancellationToken).ConfigureAwait(false);
        await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"TenantId eq {job.TenantId}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every table of the account, so tables added by later features are covered without a list to keep up to date.
    /// The job's own table goes last, with the job row, after the email is freed.
    /// </summary>
    private async Task DeleteRowsAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        var names = await storage.ListTableNamesAsync(cancellationToken).ConfigureAwait(false);
        // The profile and user rows go last: until then support can still see whose erasure is running.
        foreach (var name in names.Where(n => n != TableNames.AccountErasures).OrderBy(n => n == TableNames.Tenants))
        {
            var table = await storage.TableAsync(name, cancellationToken).ConfigureAwait(false);
            await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {job.TenantId}"), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
