using Microsoft.Azure.Functions.Worker;
using Spheres.Core.Inbox;

namespace Spheres.Functions.Inbox;

/// <summary>
///   timer every minute     queue the human replies whose request stopped between their row and their queue message
/// </summary>
public sealed class UnqueuedReplyFunctions(InboxService inbox)
{
    /// <summary>Every minute: a reply a stopped instance left is on its way within the grace and a minute.</summary>
    public const string Schedule = "0 * * * * *";

    [Function("RequeueUnqueuedReplies")]
    public Task Requeue([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => inbox.RequeueUnqueuedAsync(cancellationToken);
}
