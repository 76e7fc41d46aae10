using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;
using Spheres.Core.Providers;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Outbound;

/// <summary>
/// One reply's way to the provider, at most once however often the queue delivers it: the reply row moves
/// <c>pending → sending</c> with its ETag before the provider is asked (see <see cref="ReplySender"/> for the one window),
/// the channel is the integration's provider module's <see cref="IReplyChannel"/>, and a provider's request to wait, or
/// its send rate, puts the queue message back invisible for that long instead of sleeping.
/// </summary>
public sealed class ReplyDelivery(
    ReplyStore replies, ReplyAddresses addresses, OutOfHoursPeriods periods, ReplyDeferrals deferrals, UnconfirmedSends unconfirmed, TimeProvider time,
    ILogger<ReplyDelivery> logger)
{
    /// <summary>Longer than any send can take (the HTTP timeout is 10 s): a <c>sending</c> row older than this was interrupted.</summary>
    public static readonly TimeSpan SendingLease = TimeSpan.FromMinutes(2);

    /// <summary>How soon a delivery that found another send under way looks again.</summary>
    public static readonly TimeSpan InFlightRecheck = TimeSpan.FromSeconds(5);

    /// <summary>Provider attempts before a reply the provider keeps deferring ends as failed.</summary>
    public const int MaxAttempts = 8;

    private const int MaxRounds = 8;

    public async Task SendAsync(ReplyJob job, CancellationToken cancellationToken)
    {
        var reply = await replies.GetOrCreateAsync(new Reply(job.TenantId, job.MessageId, job.IntegrationId, job.Kind, job.Text,
            job.Recipient!, ReplyStatus.Pending, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < MaxRounds; round++)
        {
            if (reply.IsFinal)
            {
                logger.LogInformation("Reply to message {MessageId} is already {Status}; nothing to send", job.MessageId, reply.Status);
                return;
            }
            var done = reply.Status == ReplyStatus.Sending
                ? await ResolveSendingAsync(job, reply, cancellationToken).ConfigureAwait(false)
                : await AttemptAsync(job, reply, cancellationToken).ConfigureAwait(false);
            if (done) return;
            // Someone else moved the row meanwhile: look again.
            reply = await replies.FindAsync(job.TenantId, job.MessageId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The reply row disappeared.");
        }
        throw new InvalidOperationException("The reply row kept changing; the queue delivers the message again.");
    }

    /// <returns>False when the row changed under us (the caller reads it again).</returns>
    private async Task<bool> AttemptAsync(ReplyJob job, Reply reply, CancellationToken cancellationToken)
    {
        var integration = await addresses.IntegrationAsync(job, cancellationToken).ConfigureAwait(false);
        var provider = ProviderOf(integration);
        if (reply.Text.Length > ReplyJob.MaxTextLength)
            return await FinishAsync(reply, ReplyStatus.Failed, $"The reply is longer than {ReplyJob.MaxTextLength} characters.", provider, cancellationToken);
        if (integration is null) return await FinishAsync(reply, ReplyStatus.Failed, "The integration no longer exists.", provider, cancellationToken);
        if (integration.Status != IntegrationStatus.Active)
            return await FinishAsync(reply, ReplyStatus.Skipped, "The integration is not active.", provider, cancellationToken);
        if (reply.Kind == ReplyKind.OutOfHours)
        {
            var holder = await periods.ClaimAsync(integration, reply.Recipient, job.ReceivedAt ?? reply.CreatedAt, job.MessageId, cancellationToken)
                .ConfigureAwait(false);
            if (holder != job.MessageId)
                return await FinishAsync(reply, ReplyStatus.Skipped, "This customer already has the out-of-hours reply of this closed period.", provider,
                    cancellationToken);
        }
        var (channel, address, problem) = await addresses.AddressAsync(integration, reply.Recipient, cancellationToken).ConfigureAwait(false);
        if (channel is null || address is null) return await FinishAsync(reply, ReplyStatus.Failed, problem, provider, cancellationToken);
        if (channel.Reserve(address) is var wait && wait > TimeSpan.Zero)
        {
            await deferrals.DeferAsync(job, wait, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var sending = await replies.TryUpdateAsync(reply with
        {
            Status = ReplyStatus.Sending, SendToken = Guid.NewGuid().ToString("N"), SendStartedAt = time.GetUtcNow(), Attempts = reply.Attempts + 1,
        }, cancellationToken).ConfigureAwait(false);
        if (sending is null) return false;

        // From here until the answer is written is the window the class comment describes.
        var outcome = await channel.SendAsync(address, reply.Text, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case SendOutcome.Sent sent:
                var sentAt = time.GetUtcNow();
                unconfirmed.Remember(sending.SendToken!, sent.ProviderMessageId, sentAt);
                await MarkSentAsync(sending, sent.ProviderMessageId, sentAt, provider, cancellationToken).ConfigureAwait(false);
                return true;
            case SendOutcome.RetryLater retry when sending.Attempts < MaxAttempts:
                var pending = await replies.TryUpdateAsync(sending with { Status = ReplyStatus.Pending, SendToken = null, Error = retry.Reason }, cancellationToken)
                    .ConfigureAwait(false);
                if (pending is null) return false;
                var delay = retry.After ?? Backoff(sending.Attempts);
                logger.LogInformation("Reply to message {MessageId} deferred {Seconds} s: {Reason}", job.MessageId, (int)delay.TotalSeconds, retry.Reason);
                Report(provider, "deferred");
                await deferrals.DeferAsync(job, delay, cancellationToken).ConfigureAwait(false);
                return true;
            case SendOutcome.RetryLater retry:
                return await FinishAsync(sending, ReplyStatus.Failed, $"Gave up after {sending.Attempts} attempts. {retry.Reason}", provider, cancellationToken);
            case SendOutcome.Refused refused:
                return await FinishAsync(sending, ReplyStatus.Failed, refused.Reason, provider, cancellationToken);
            default:
                return await FinishAsync(sending, ReplyStatus.Failed, ((SendOutcome.Unknown)outcome).Reason, provider, cancellationToken);
        }
    }

    /// <summary>A row left <c>sending</c>: finish what this instance knows, wait for a live send, or close an interrupted one as failed.</summary>
    private async Task<bool> ResolveSendingAsync(ReplyJob job, Reply reply, CancellationToken cancellationToken)
    {
        if (reply.SendToken is { } token && unconfirmed.Find(token) is { } known)
        {
            logger.LogInformation("Reply to message {MessageId} was sent before storage failed; recording it now", job.MessageId);
            // Counted here, not when the provider accepted it: that delivery could not record it.
            await MarkSentAsync(reply, known.ProviderMessageId, known.SentAt, ProviderOf(await addresses.IntegrationAsync(job, cancellationToken).ConfigureAwait(false)),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        var age = time.GetUtcNow() - (reply.SendStartedAt ?? reply.CreatedAt);
        if (age < SendingLease)
        {
            // Look again soon rather than at the lease's end: the live send usually finishes within seconds.
            await deferrals.DeferAsync(job, Min(SendingLease - age, InFlightRecheck), cancellationToken).ConfigureAwait(false);
            return true;
        }
        logger.LogWarning("Reply to message {MessageId} was interrupted while sending; marked failed, not sent again", job.MessageId);
        return await FinishAsync(reply, ReplyStatus.Failed,
            "Sending was interrupted before the provider's answer was recorded; it may have been delivered, so it is not sent again.",
            ProviderOf(await addresses.IntegrationAsync(job, cancellationToken).ConfigureAwait(false)), cancellationToken);
    }

    /// <summary>Writes <c>sent</c> whatever the row says by now: the provider's acceptance is the truth.</summary>
    private async Task MarkSentAsync(Reply sending, string providerId, DateTimeOffset sentAt, string provider, CancellationToken cancellationToken)
    {
        await replies.OverwriteAsync(sending with
        {
            Status = ReplyStatus.Sent, ProviderMessageId = providerId, SentAt = sentAt, Error = null,
        }, cancellationToken).ConfigureAwait(false);
        unconfirmed.Forget(sending.SendToken!);
        logger.LogInformation("Reply to message {MessageId} sent", sending.MessageId);
        Report(provider, "sent");
    }

    private async Task<bool> FinishAsync(Reply reply, ReplyStatus status, string? reason, string provider, CancellationToken cancellationToken)
    {
        var finished = await replies.TryUpdateAsync(reply with { Status = status, Error = reason, SendToken = null }, cancellationToken).ConfigureAwait(false);
        if (finished is null) return false;
        logger.LogInformation("Reply to message {MessageId} {Status}: {Reason}", reply.MessageId, status, reason);
        Report(provider, status == ReplyStatus.Skipped ? "skipped" : "failed");
        return true;
    }

    /// <summary>The integration type's slug (<c>telegram</c>, <c>whatsapp</c>, …): a fixed set, never a tenant's value.</summary>
    private static string ProviderOf(Integration? integration) => integration?.TypeSlug ?? "unknown";

    /// <summary><c>spheres.replies</c> by provider and status, and the status on the running <c>process</c> span.</summary>
    private static void Report(string provider, string status)
    {
        SpheresTelemetry.Replies.Add(1, new(SpheresTelemetry.Tags.Provider, provider), new(SpheresTelemetry.Tags.Status, status));
        Activity.Current?.SetTag(SpheresTelemetry.Tags.ReplyStatus, status);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Our own wait when the provider names none: 10 s, doubling, at most 10 minutes.</summary>
    private static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(600, 10 * Math.Pow(2, Math.Max(0, attempts - 1))));
}
