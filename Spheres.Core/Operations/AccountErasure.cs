using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Operations;

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

    /// <summary>Runs (or resumes) the tenant's erasure. False when there is none: done before, or never asked for.</summary>
    public async Task<bool> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!ProfileService.IsTenantId(tenantId)) return false; // never reaches storage as a key
        var job = await jobs.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (job is null) return false;
        var all = steps.All;
        for (var i = job.CompletedSteps; i < all.Count; i++)
        {
            await all[i].RunAsync(job, cancellationToken).ConfigureAwait(false);
            await jobs.SaveProgressAsync(tenantId, i + 1, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Erasure of tenant {TenantId}: step {Step} done", tenantId, all[i].Name);
        }
        await jobs.DeleteAsync(tenantId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Erasure of tenant {TenantId} finished", tenantId);
        return true;
    }

    private async Task EnqueueAsync(string tenantId, CancellationToken cancellationToken)
    {
        QueueClient queue = await storage.QueueAsync(TableNames.AccountErasureQueue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(new ErasureMessage(tenantId)), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
