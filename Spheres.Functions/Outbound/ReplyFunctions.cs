using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Spheres.Core.Outbound;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Functions.Outbound;

/// <summary>
///   auto-replies     out-of-hours and quota replies the message pipeline queued
///   agent-replies    the AI agent's answers {message_id, tenant_id, integration_id, text}
/// Both go through the one sender. A throw (storage away) lets the host deliver the message again
/// and, after maxDequeueCount (host.json), move it to the poison queue. Each runs in the trace its message carries (<see cref="QueueWork"/>).
/// </summary>
public sealed class ReplyFunctions(ReplySender sender)
{
    [Function("SendAutoReply")]
    public Task SendAutoReply([QueueTrigger(TableNames.AutoRepliesQueue)] QueueMessage message, CancellationToken cancellationToken) =>
        QueueWork.RunAsync(TableNames.AutoRepliesQueue, message, body => sender.HandleAutoReplyAsync(body, cancellationToken));

    [Function("SendAgentReply")]
    public Task SendAgentReply([QueueTrigger(TableNames.AgentRepliesQueue)] QueueMessage message, CancellationToken cancellationToken) =>
        QueueWork.RunAsync(TableNames.AgentRepliesQueue, message, body => sender.HandleAgentReplyAsync(body, cancellationToken));
}
