using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spheres.Core.Accounts;
using Spheres.Core.Embeddings;
using Spheres.Core.Plans;
using Spheres.Core.Providers;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Messaging;

/// <summary>
/// A queue message for the agent or the auto-replier: enough to answer the customer, and the
/// message id to deduplicate by (a retry may enqueue a stored message a second time). <c>recipient</c> is where a reply goes
/// at the provider: the sender, or for a Telegram Business chat its connection and chat.
/// <c>traceparent</c> is the webhook's trace (W3C), which the consumer continues; the agent copies it into its <c>agent-replies</c> answer.
/// </summary>
public sealed record QueuedMessage(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("integration_id")] int IntegrationId,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("reply_text")] string? ReplyText,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("sent_at")] DateTimeOffset SentAt,
    [property: JsonPropertyName("attachments")] IReadOnlyList<QueuedAttachment> Attachments,
    [property: JsonPropertyName("payload")] string? Payload,
    [property: JsonPropertyName("reply_to")] string? ReplyTo,
    [property: JsonPropertyName("recipient")] string Recipient,
    [property: JsonPropertyName(QueueTrace.Field), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null);

/// <summary>An attachment as the agent's queue message and the export carry it: API.md's <c>{type, media_id, url, mime_type, name, latitude, longitude}</c>.</summary>
public sealed record QueuedAttachment(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("media_id")] string? MediaId,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("mime_type")] string? MimeType,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("latitude")] double? Latitude,
    [property: JsonPropertyName("longitude")] double? Longitude)
{
    public static QueuedAttachment From(MessageAttachment a) =>
        new(MessageAttachment.TypeName(a.Type), a.MediaId, a.Url, a.MimeType, a.Name, a.Latitude, a.Longitude);
}

public sealed class MessageQueues(SpheresStorage storage, EmbeddingQueue embeddings, ProfileCache profiles)
{
    public static string QueueFor(MessageDecision decision) =>
        decision == MessageDecision.Agent ? TableNames.AgentRequestsQueue : TableNames.AutoRepliesQueue;

    public static string DecisionName(MessageDecision decision) => decision switch
    {
        MessageDecision.Agent => "agent",
        MessageDecision.OutOfHours => "out_of_hours",
        MessageDecision.QuotaExceeded => "quota_exceeded",
        MessageDecision.Human => "human",
        _ => "inactive",
    };

    /// <summary>
    /// Queues the message for embedding when the tenant's plan has analytics (which groups every customer message; the
    /// profile comes from the cache the pipeline just filled), then sends it to
    /// its queue; <c>inactive</c> and <c>human</c> messages go nowhere else. Embedding first: if that send fails, nothing
    /// has reached the agent yet and the provider's retry does both; embedding a message twice changes nothing.
    /// </summary>
    public async Task EnqueueAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        await EmbedAsync(message.TenantId, [message], cancellationToken).ConfigureAwait(false);
        await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="EnqueueAsync"/> for the messages of one tenant stored together: one embeddings message for all of them, then
    /// each to its queue in its own request's trace (<paramref name="traces"/>, the span each was decided in). Per message, what
    /// failed its send (null: sent); when the embeddings message fails, nothing is sent and every message has that failure.
    /// </summary>
    public async Task<Exception?[]> EnqueueManyAsync(IReadOnlyList<InboundMessage> messages, IReadOnlyList<Activity?> traces,
        CancellationToken cancellationToken)
    {
        var failures = new Exception?[messages.Count];
        try
        {
            await EmbedAsync(messages[0].TenantId, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Array.Fill(failures, e);
            return failures;
        }
        await Task.WhenAll(messages.Select(async (message, i) =>
        {
            Activity.Current = traces[i]; // this task's own: the queue message carries the trace of the request that brought it
            try
            {
                await SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        })).ConfigureAwait(false);
        return failures;
    }

    private async Task EmbedAsync(string tenantId, IReadOnlyList<InboundMessage> messages, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (profile is not null && PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.Analytics))
        {
            await embeddings.EnqueueAsync(EmbeddingRequest.Message, tenantId, messages.Select(MessageStore.RowKeyOf).ToList(), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async Task SendAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Decision is MessageDecision.Inactive or MessageDecision.Human) return; // a human answers these from the inbox
        var queueName = QueueFor(message.Decision);
        var queue = await storage.QueueAsync(queueName, cancellationToken).ConfigureAwait(false);
        using var publish = QueueTrace.StartPublish(queueName);
        var body = new QueuedMessage(message.Id, message.TenantId, message.IntegrationId, message.Provider, message.Sender, message.Text,
            DecisionName(message.Decision), message.ReplyText, message.ReceivedAt, message.SentAt,
            message.Attachments.Select(QueuedAttachment.From).ToList(), message.Payload, message.ReplyTo, message.Recipient, QueueTrace.Current());
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(body), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
