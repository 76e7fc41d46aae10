using Microsoft.Azure.Functions.Worker;
using Spheres.Core.Outbound;
using Spheres.Core.Storage;

namespace Spheres.Functions.Outbound;

/// <summary>
///   auto-replies     out-of-hours and quota replies the message pipeline queued
///   agent-replies    the AI agent's answers {message_id, tenant_id, integration_id, text}
/// Both go through the one sender. A throw (storage away) lets the host deliver the message again
/// and, after maxDequeueCount (host.json), move it to the poison queue.
/// </summary>
public sealed class ReplyFunctions(ReplySender sender)
{
    [Function("SendAutoReply")]
    public Task SendAutoReply([QueueTrigger(TableNames.AutoRepliesQueue)] string message, CancellationToken cancellationToken) =>
        sender.HandleAutoReplyAsync(message, cancellationToken);

    [Function("SendAgentReply")]
    public Task SendAgentReply([QueueTrigger(TableNames.AgentRepliesQueue)] string message, CancellationToken cancellationToken) =>
        sender.HandleAgentReplyAsync(message, cancellationToken);
}
