using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Operations;

public enum ErasureProgress { NothingToDo, Waiting, Finished }

/// <summary>The erasure queue's message.</summary>
public sealed record ErasureMessage(
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName(QueueTrace.Field), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null);

/// <summary>
/// Account erasure (GDPR art. 17). The request checks the password, writes the job row, queues the work and freezes the
/// tenant before it answers 202: sign-in stops, every session ends (refresh tokens at once, access tokens at once for
/// writes and within <see cref="Accounts.Sessions.SessionCheck.CacheLifetime"/> for reads), so no write of the tenant is
/// accepted from then on. <see cref="RunAsync"/> (queue-triggered) does the steps, remembering after each one how far it
/// got, so a crash half way resumes where it stopped and a redelivered message changes nothing twice.
/// </summary>
public sealed class AccountErasure(
    AccountStore accounts, Passwords passwords, LoginThrottle throttle, Accounts.Sessions.SessionService sessions, ErasureJobs jobs, ErasureSteps steps,
    SpheresStorage storage, TimeProvider time, ILogger<AccountErasure> logger)
{
    /// <summary>How long after a provider did not answer the erasure tries it again.</summary>
    public static readonly TimeSpan ProviderRetryDelay = TimeSpan.FromMinutes(10);

    public async Task RequestAsync(Caller caller, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password)) throw ProblemException.Validation("password", "Confirm the erasure with your password.");
        var user = await accounts.FindUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("This account does not exist any more.");
        // A stolen token must not become a way to guess the password: as many attempts per session as sign-in gives an address.
        var reservation = await throttle.ReserveForSessionAsync(user.Email, caller.SessionId ?? "", cancellationToken).ConfigureAwait(false);
        if (!passwords.Verify(user.PasswordHash, password))
        {
            throw ProblemException.Validation("password", "The password is wrong; nothing was erased.");
        }
        await throttle.ClearAsync(reservation, cancellationToken).ConfigureAwait(false);

        // The job row before the message that runs it; a request repeated after a failure finds the row and queues it again.
        var created = await jobs.TryCreateAsync(new ErasureJob(caller.TenantId, caller.UserId, user.Email, 0, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await EnqueueAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        }
        catch when (created)
        {
            // Nothing will run it: take the job back, so a failed request leaves the account as it was.
            await DeleteJobQuietlyAsync(caller.TenantId).ConfigureAwait(false);
            throw;
        }
        // No 202 before the freeze holds: if it fails, the answer is the failure (the job, already queued, freezes first too).
        await sessions.FreezeTenantAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false);
        await accounts.MarkEmailErasingAsync(user.Email, caller.TenantId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Erasure of tenant {TenantId} requested", caller.TenantId);
    }

    private async Task DeleteJobQuietlyAsync(string tenantId)
    {
        try
        {
            await jobs.DeleteAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Erasure of tenant {TenantId}: job row left after a failed request ({Error}); a repeated request reuses it",
                tenantId, e.GetType().Name);
        }
    }

    /// <summary>
    /// Runs (or resumes) the tenant's erasure. When a step must let caches expire first, it queues itself to go on
    /// when it may, and returns <see cref="ErasureProgress.Waiting"/>.
    /// </summary>
    public async Task<ErasureProgress> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!ProfileService.IsTenantId(tenantId)) return ErasureProgress.NothingToDo; // never reaches storage as a key
        var job = await jobs.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (job is null) return ErasureProgress.NothingToDo; // done before, or never asked for: a redelivery changes nothing
        var all = steps.All;
        var lastStepAt = job.LastStepAt;
        for (var i = job.CompletedSteps; i < all.Count; i++)
        {
            if (i > 0 && all[i - 1].SettleAfter is { } settle && lastStepAt + settle - time.GetUtcNow() is { Ticks: > 0 } wait)
            {
                await EnqueueAsync(tenantId, cancellationToken, wait).ConfigureAwait(false);
                logger.LogInformation("Erasure of tenant {TenantId}: step {Step} resumes in {Wait}", tenantId, all[i].Name, wait);
                return ErasureProgress.Waiting;
            }
            try
            {
                await all[i].RunAsync(job, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderUnreachableException e)
            {
                // Not a crash: try again later without using up the queue's deliveries (after a day the step gives up on it).
                await EnqueueAsync(tenantId, cancellationToken, ProviderRetryDelay).ConfigureAwait(false);
                logger.LogWarning("Erasure of tenant {TenantId}: {Reason} Retrying in {Delay}", tenantId, e.Message, ProviderRetryDelay);
                return ErasureProgress.Waiting;
            }
            lastStepAt = time.GetUtcNow();
            await jobs.SaveProgressAsync(tenantId, i + 1, lastStepAt, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Erasure of tenant {TenantId}: step {Step} done", tenantId, all[i].Name);
        }
        await jobs.DeleteAsync(tenantId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Erasure of tenant {TenantId} finished", tenantId);
        return ErasureProgress.Finished;
    }

    private async Task EnqueueAsync(string tenantId, CancellationToken cancellationToken, TimeSpan? after = null)
    {
        QueueClient queue = await storage.QueueAsync(TableNames.AccountErasureQueue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(new ErasureMessage(tenantId, QueueTrace.Current())), visibilityTimeout: after,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
