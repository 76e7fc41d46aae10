using System.Diagnostics;
using Azure.Storage.Queues.Models;

namespace Spheres.Core.Telemetry;

/// <summary>
/// How every queue function runs its message: in a <c>process {queue}</c> span that continues the trace the message
/// carries (<see cref="QueueTrace"/>), linked to the host's own invocation span, with the message's age recorded and a
/// last failed delivery counted as poisoned. The handler gets the message text as the function would.
/// </summary>
public static class QueueWork
{
    /// <summary>host.json's <c>extensions.queues.maxDequeueCount</c>: after this many failed deliveries the host poisons a message.</summary>
    public const int MaxDequeueCount = 5;

    public static async Task RunAsync(string queue, QueueMessage message, Func<string, Task> handle)
    {
        var age = DateTimeOffset.UtcNow - (message.InsertedOn ?? DateTimeOffset.UtcNow);
        var queueTag = new KeyValuePair<string, object?>(SpheresTelemetry.Tags.Queue, queue);
        // The queue's own clock is real time, whatever clock the app runs on.
        SpheresTelemetry.QueueAge.Record(Math.Max(0, age.TotalSeconds), queueTag);
        using var activity = Start(queue, message);
        try
        {
            await handle(message.Body.ToString()).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity.Fail(e);
            if (message.DequeueCount >= MaxDequeueCount) SpheresTelemetry.Poisoned.Add(1, queueTag);
            throw;
        }
    }

    private static Activity? Start(string queue, QueueMessage message)
    {
        var invocation = Activity.Current;
        var carried = QueueTrace.Read(message.Body.ToMemory().Span);
        ActivityLink[]? links = carried is not null && invocation is not null ? [new ActivityLink(invocation.Context)] : null;
        // No carried context (a message from outside, or from before tracing): a child of the invocation, as any span.
        var activity = SpheresTelemetry.Source.StartActivity($"process {queue}", ActivityKind.Consumer, carried ?? default, links: links);
        activity?.SetTag(SpheresTelemetry.Tags.Queue, queue);
        activity?.SetTag("messaging.message.id", message.MessageId);
        activity?.SetTag("spheres.queue.dequeue_count", message.DequeueCount);
        return activity;
    }
}
