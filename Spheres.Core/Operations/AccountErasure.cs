using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

public enum ErasureProgress { NothingToDo, Waiting, Finished }

/// <summary>The erasure queue's message.</summary>
public sealed record ErasureMessage([property: System.Text.Json.Serialization.JsonPropertyName("tenant_id")] string TenantId);

/// <summary>
/// Account erasure (GDPR art. 17). The request checks the password, writes the job row, stops sign-in at once
/// and queues the work; <see cref="RunAsync"/> (queue-triggered) does the steps, remembering after each one
/// how far it got, so a crash half way resumes where it stopped and a redelivered message changes nothing twice.
/// </summary>
public sealed class AccountErasure(
    AccountStore accounts, Passwords passwords, LoginThrottle throttle, ErasureJobs jobs, ErasureSteps steps, SpheresStorage storage,
    TimeProvider time, ILogger<AccountErasure> logger)
{
    public async Task RequestAsync(Caller caller, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password)) throw ProblemException.Validation("password", "Confirm the erasure with your password.");
        var user = await accounts.FindUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("This account does not exist any more.");
        // A stolen token must not become a way to guess the password: the same lock as sign-in.
        var throttleState = await throttle.EnsureAllowedAsync(user.Email, cancellationToken).ConfigureAwait(false);
        if (!passwords.Verify(user.PasswordHash, password))
        {
            await throttle.RecordFailureAsync(user.Email, throttleState, cancellationToken).ConfigureAwait(false);
            throw ProblemException.Validation("password", "The password is wrong; nothing was erased.");
        }

        // The job row first: whatever fails after it, a retry of this request or of the queue message finds it.
        await jobs.TryCreateAsync(new ErasureJob(caller.TenantId, caller.UserId, user.Email, 0, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        await accounts.MarkEmailErasingAsync(user.Email, caller.TenantId, cancellationToken).ConfigureAwait(false);
        await EnqueueAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Erasure of tenant {TenantId} requested", caller.TenantId);
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
            await all[i].RunAsync(job, cancellationToken).ConfigureAwait(false);
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
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(new ErasureMessage(tenantId)), visibilityTimeout: after,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
