using Microsoft.Extensions.Logging;
using Spheres.Core.Messaging;

namespace Spheres.Core.Outbound;

/// <summary>
/// The one sender of every reply (<c>auto-replies</c> and <c>agent-replies</c>): reads the queue message, checks an agent's
/// answer against the message it answers, and hands the reply to <see cref="ReplyDelivery"/>. At most once per
/// message however often the queue delivers it: the reply row (<see cref="ReplyStore"/>) moves
/// <c>pending → sending</c> with its ETag before the provider is asked, so only one delivery ever
/// asks; the answer then makes it <c>sent</c> or <c>failed</c>, or, when the provider asks for a
/// later try, <c>pending</c> again with the queue message put back, invisible for the time asked.
/// <para><b>The one window:</b> the provider accepted the message and the process dies before
/// <c>sent</c> is written. The row stays <c>sending</c>; after <see cref="SendingLease"/> a
/// redelivery marks it <c>failed</c> ("may have been delivered") and never sends it again. A storage
/// outage at that moment is not this window: the provider's answer is kept in memory
/// (<see cref="UnconfirmedSends"/>) and written when the queue delivers the message again.</para>
/// </summary>
public sealed class ReplySender(MessageStore messages, ReplyDelivery delivery, ILogger<ReplySender> logger)
{
    /// <summary>Longer than any send can take (the HTTP timeout is 10 s): a <c>sending</c> row older than this was interrupted.</summary>
    public static readonly TimeSpan SendingLease = ReplyDelivery.SendingLease;

    public async Task HandleAutoReplyAsync(string body, CancellationToken cancellationToken)
    {
        var (job, problem) = ReplyJob.ParseAutoReply(body);
        if (job is null)
        {
            logger.LogWarning("auto-replies message dropped: {Problem}", problem);
            return;
        }
        await delivery.SendAsync(job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An answer of the agent: sent to the sender of the message it answers, if that message is one the agent was given.</summary>
    public async Task HandleAgentReplyAsync(string body, CancellationToken cancellationToken)
    {
        var (job, problem) = ReplyJob.ParseAgentReply(body);
        var message = job is null ? null : await messages.FindAsync(job.TenantId, job.MessageId, cancellationToken).ConfigureAwait(false);
        problem ??= message is null ? "no such message of that tenant"
            : message.IntegrationId != job!.IntegrationId ? "the message belongs to another integration"
            : message.Decision != MessageDecision.Agent ? "the message was not handed to the agent" : null;
        if (problem is not null)
        {
            // Dropped, not thrown: a message that can never be valid must not be retried into the poison queue.
            logger.LogWarning("agent-replies message dropped: {Problem}", problem);
            return;
        }
        await delivery.SendAsync(job! with { Recipient = message!.Recipient, ReceivedAt = message.ReceivedAt }, cancellationToken).ConfigureAwait(false);
    }
}
