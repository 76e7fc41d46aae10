using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Providers;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

/// <summary>
/// One step of an erasure. Every step is idempotent: run again after a crash, it finishes what is left.
/// <paramref name="SettleAfter"/>: how long the next step must wait, for what other instances cached to expire.
/// </summary>
public sealed record ErasureStep(string Name, Func<ErasureJob, CancellationToken, Task> RunAsync, TimeSpan? SettleAfter = null);

/// <summary>
/// What erasing a tenant does, in an order where each step still finds what it needs. First the freeze (again: the
/// request did it; repeating it is harmless), and then a wait of <see cref="LastWriteHorizon"/>: a request that was
/// already running when the tenant froze may still write (save a bot token, set a webhook), and the sweep must see it.
/// Then the providers are told (that needs the credentials), the secrets go (that needs the integration rows), then the
/// routing index. Warm instances may still route a delivery to the tenant for as long as they cache routes,
/// so the next steps wait that long: then the queue messages, every row of the tenant's partition in every
/// table (the profile first, which stops every tenant-scoped request), a last sweep of the vault for
/// secrets written meanwhile, and the email with its sign-in counters.
/// </summary>
public sealed class ErasureSteps(
    AccountStore accounts, Accounts.Sessions.SessionService sessions, LoginThrottle throttle, IntegrationStore integrations, ICredentialVault vault,
    ProviderDisconnect providers, OAuth.PendingGrants grants, QueuePurge queues, SpheresStorage storage, TimeProvider time, ILogger<ErasureSteps> logger)
{
    /// <summary>
    /// How long a request that passed its session check just before the freeze can still be writing: longer than the
    /// longest request (a few provider calls of at most 10 s each, and their rows).
    /// </summary>
    public static readonly TimeSpan LastWriteHorizon = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an unreachable provider holds the erasure up. After that the data is erased anyway: erasing is the
    /// owner's right; unhooking a provider that has been down for a day is done on a best-effort basis.
    /// </summary>
    public static readonly TimeSpan ProviderPatience = TimeSpan.FromDays(1);

    public IReadOnlyList<ErasureStep> All =>
    [
        new("freeze", FreezeAsync, SettleAfter: LastWriteHorizon),
        new("providers", DisconnectProvidersAsync),
        new("secrets", DeleteSecretsAsync),
        new("routes", DeleteRoutesAsync, SettleAfter: Max(IntegrationCache.Lifetime, ProfileCache.Lifetime) + TimeSpan.FromSeconds(5)),
        new("queue-messages", (job, ct) => queues.DeleteTenantMessagesAsync(job.TenantId, AccountStore.EmailKey(job.Email), new HashSet<string> { TableNames.AccountErasureQueue }, ct)),
        new("rows", DeleteRowsAsync),
        new("secrets-sweep", (job, ct) => vault.DeleteAllOfTenantAsync(job.TenantId, ct)),
        new("email", FreeEmailAsync),
    ];

    private async Task FreezeAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        await sessions.FreezeTenantAsync(job.TenantId, job.UserId, cancellationToken).ConfigureAwait(false);
        await accounts.MarkEmailErasingAsync(job.Email, job.TenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The email registers again; its sign-in counters and known addresses (hashed, but about this person) go with it.</summary>
    private async Task FreeEmailAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        await throttle.ForgetEmailAsync(job.Email, cancellationToken).ConfigureAwait(false);
        await accounts.FreeErasedEmailAsync(job.Email, job.TenantId, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task DisconnectProvidersAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        // Consents kept aside for a confirmation that can no longer come: revoked like the connected ones.
        await grants.RevokeAllOfTenantAsync(job.TenantId, cancellationToken).ConfigureAwait(false);
        foreach (var integration in await integrations.ListAsync(job.TenantId, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await providers.DisconnectAsync(integration, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderUnreachableException e) when (time.GetUtcNow() - job.RequestedAt >= ProviderPatience)
            {
                logger.LogWarning("Erasure of tenant {TenantId}: integration {IntegrationId} not unhooked after {Patience}: {Reason}",
                    job.TenantId, integration.Id, ProviderPatience, e.Message);
            }
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

    /// <summary>Global indexes (webhook routes, keyed by provider account or webhook key) name their tenant in a column.</summary>
    private async Task DeleteRoutesAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        foreach (var name in TableNames.TenantIndexTables)
        {
            var table = await storage.TableAsync(name, cancellationToken).ConfigureAwait(false);
            await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"TenantId eq {job.TenantId}"), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every table of the account, so tables added by later features are covered without a list to keep up to date.
    /// The job's own table goes last, with the job row, after the email is freed.
    /// </summary>
    private async Task DeleteRowsAsync(ErasureJob job, CancellationToken cancellationToken)
    {
        var names = await storage.ListTableNamesAsync(cancellationToken).ConfigureAwait(false);
        // The profile and user rows first: without a profile every tenant-scoped request is refused, so nothing new is written.
        foreach (var name in names.Where(n => n != TableNames.AccountErasures).OrderBy(n => n != TableNames.Tenants))
        {
            var table = await storage.TableAsync(name, cancellationToken).ConfigureAwait(false);
            await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {job.TenantId}"), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
