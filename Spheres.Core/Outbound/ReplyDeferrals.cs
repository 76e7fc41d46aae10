using Spheres.Core.Storage;

namespace Spheres.Core.Outbound;

/// <summary>
/// Puts a reply's queue message back, invisible until the time the provider asked for (or a rate
/// slot frees): the function returns at once and the queue, not a sleeping function, does the waiting.
/// A copy is sent and the delivered message is then completed by the host; if the copy is delivered
/// twice, the reply row still sends once.
/// </summary>
public sealed class ReplyDeferrals(SpheresStorage storage)
{
    /// <summary>The queue's own limit on a message's initial invisibility.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    public async Task DeferAsync(ReplyJob job, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Whole seconds, rounded up: the queue counts seconds, and earlier than asked would be refused again.
        var seconds = Math.Max(1, Math.Ceiling(delay.TotalSeconds));
        var visibility = TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
        var queue = await storage.QueueAsync(job.Queue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(BinaryData.FromString(job.Body), visibility, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
