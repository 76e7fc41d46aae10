using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spheres.Core.Messaging;
using Spheres.Core.Outbound;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Inbox;

/// <summary>One item of a conversation as the owner reads it: a customer message, or a reply (the agent's, an automatic one or a human's).</summary>
public sealed record ConversationItem(InboundMessage? Message, Reply? Reply);

/// <summary>
/// The owner's inbox (API.md, Inbox): conversations, their messages in order, and the owner's own replies. A human reply goes
/// through the one sender (<see cref="ReplyDelivery"/>, by the <c>auto-replies</c> queue) and makes the conversation
/// <c>human</c> until a handback or <see cref="InboxOptions.HandbackHours"/> without another human reply.
/// </summary>
public sealed class InboxService(
    ConversationStore conversations, MessageStore messages, ReplyStore replies, MessageReplies messageReplies, UnqueuedReplies unqueued,
    SpheresStorage storage, IOptions<InboxOptions> options, TimeProvider time, ILogger<InboxService> logger)
{
    public DateTimeOffset Now => time.GetUtcNow();

    public Task<(IReadOnlyList<Conversation> Page, string? Cursor)> ListAsync(string tenantId, ConversationFilter filter, int pageSize, string? cursor,
        CancellationToken cancellationToken) => conversations.ListAsync(tenantId, filter, Now, pageSize, cursor, cancellationToken);

    public async Task<Conversation> GetAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await conversations.FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound("No conversation with this id.");

    /// <summary>A page of the conversation, oldest first: each customer message followed by its reply, and the human replies where they were written.</summary>
    public async Task<(IReadOnlyList<ConversationItem> Items, string? Cursor)> MessagesAsync(string tenantId, string id, int pageSize, string? cursor,
        CancellationToken cancellationToken)
    {
        await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        var (entries, next) = await conversations.TimelineAsync(tenantId, id, pageSize, cursor, cancellationToken).ConfigureAwait(false);
        var inbound = await messages.FindByRowKeysAsync(tenantId, entries.Where(e => e.Inbound && e.MessageRowKey is not null).Select(e => e.MessageRowKey!).ToList(),
            cancellationToken).ConfigureAwait(false);
        var ofMessages = await messageReplies.ForAsync(tenantId, inbound.Values.ToList(), cancellationToken).ConfigureAwait(false);
        var human = await replies.FindManyAsync(tenantId, entries.Where(e => !e.Inbound).Select(e => e.ItemId).ToList(), cancellationToken).ConfigureAwait(false);
        var items = new List<ConversationItem>(entries.Count * 2);
        foreach (var entry in entries)
        {
            if (entry.Inbound)
            {
                // A message retention deleted before its timeline row is simply not shown.
                if (entry.MessageRowKey is null || !inbound.TryGetValue(entry.MessageRowKey, out var message)) continue;
                items.Add(new ConversationItem(message, null));
                if (ofMessages.TryGetValue(message.Id, out var reply)) items.Add(new ConversationItem(null, reply));
            }
            else if (human.TryGetValue(entry.ItemId, out var reply))
            {
                items.Add(new ConversationItem(null, reply));
            }
        }
        return (items, next);
    }

    /// <summary>What a reply that could not be queued says; a retry with its <c>Idempotency-Key</c> queues it after all.</summary>
    public const string NotQueuedError = "The reply could not be queued; write it again.";

    /// <summary>
    /// The owner's reply: checked (text, the provider's window) before anything is written, then stored <c>pending</c>, added to the
    /// conversation (now <c>human</c>) and queued for the one sender. With an <paramref name="idempotencyKey"/>, a repeat of a request
    /// that made its reply returns that reply and queues nothing; the same key with another text is a 422.
    /// </summary>
    public async Task<Reply> ReplyAsync(string tenantId, string id, string? text, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text)) throw ProblemException.Validation("text", "Write the reply's text.");
        if (text.Length > ReplyJob.MaxTextLength) throw ProblemException.Validation("text", $"A reply is at most {ReplyJob.MaxTextLength} characters.");
        var conversation = await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
        var replyId = idempotencyKey is null ? "h" + Guid.NewGuid().ToString("N")[..23] : IdempotencyKeys.ReplyId(tenantId, id, idempotencyKey);
        // Before the window check: a repeat of a reply accepted in the window gets that reply, not a 409.
        var earlier = idempotencyKey is null ? null : await replies.FindAsync(tenantId, replyId, cancellationToken).ConfigureAwait(false);
        if (earlier is not null)
        {
            EnsureSameText(earlier, text);
            if (!IsUnqueued(earlier)) return earlier;
        }
        var now = Now;
        if (Conversation.HasMetaWindow(conversation.Provider) && now - conversation.LastCustomerMessageAt >= Conversation.MetaWindow)
        {
            throw new ProblemException(409, "window-closed", "The provider's window is closed.",
                $"{conversation.Provider} lets a business write only within 24 hours of the customer's last message, and the last one was " +
                $"{conversation.LastCustomerMessageAt:u}. The customer has to write first.");
        }
        // Before the row: should this process stop before the reply is queued, the note is what finds it.
        await unqueued.NoteAsync(new UnqueuedReply(tenantId, id, replyId, now), cancellationToken).ConfigureAwait(false);
        Reply reply;
        if (earlier is not null)
        {
            // Its first request failed before queueing it: this retry queues it, unless another retry is doing so.
            if (await replies.TryUpdateAsync(earlier with { Status = ReplyStatus.Pending, Error = null }, cancellationToken).ConfigureAwait(false)
                is not { } retried)
                return await replies.FindAsync(tenantId, replyId, cancellationToken).ConfigureAwait(false) ?? earlier;
            reply = retried;
        }
        else
        {
            var (stored, created) = await replies.CreateOrFindAsync(new Reply(tenantId, replyId, conversation.IntegrationId, ReplyKind.Human,
                text, conversation.Recipient, ReplyStatus.Pending, now), cancellationToken).ConfigureAwait(false);
            if (!created)
            {
                EnsureSameText(stored, text); // a request with the same key stored it a moment ago, and queues it
                return stored;
            }
            reply = stored;
        }
        await QueueAsync(tenantId, id, reply, cancellationToken).ConfigureAwait(false);
        return reply;
    }

    /// <summary>
    /// The conversation a human now holds, with the reply as its newest activity (the list's order, its preview, and what retention
    /// keeps it by), unless a customer message is newer.
    /// </summary>
    private static Conversation WithHumanReply(Conversation c, Reply reply, DateTimeOffset humanUntil)
    {
        var newest = reply.CreatedAt >= c.LastMessageAt;
        return c with
        {
            Status = ConversationStatus.Human, HumanUntil = humanUntil, Unread = 0,
            LastMessageAt = newest ? reply.CreatedAt : c.LastMessageAt,
            LastMessagePreview = newest ? Conversation.Preview(reply.Text) : c.LastMessagePreview,
        };
    }

    /// <summary>A repeat of a key must ask for the reply the key made: the same text, else a 422.</summary>
    private static void EnsureSameText(Reply earlier, string text)
    {
        if (earlier.Text != text) throw new ProblemException(422, "idempotency-key-reused", "This Idempotency-Key was used for another reply.",
            "A reply with another text was sent with this Idempotency-Key in this conversation. Use a new key for a new reply.");
    }

    private static bool IsUnqueued(Reply reply) => reply is { Status: ReplyStatus.Failed, Attempts: 0, Error: NotQueuedError };

    /// <summary>
    /// Adds the reply to the conversation and queues it; a failure marks the reply failed rather than leave it pending. Only when that
    /// mark cannot be written either does the note stay, and a later <see cref="RequeueUnqueuedAsync"/> queues the still pending reply.
    /// </summary>
    private async Task QueueAsync(string tenantId, string id, Reply reply, CancellationToken cancellationToken)
    {
        try
        {
            await AddAndEnqueueAsync(tenantId, id, reply, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Never sent: say so on the reply rather than leave it pending for ever.
            try
            {
                await replies.TryUpdateAsync(reply with { Status = ReplyStatus.Failed, Error = NotQueuedError }, CancellationToken.None).ConfigureAwait(false);
                await ClearNoteAsync(reply, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception failed)
            {
                logger.LogWarning("Human reply {ReplyId}: not marked failed ({Error}); it stays noted as unqueued", reply.MessageId, failed.GetType().Name);
            }
            throw;
        }
        // Queued: the clear is not for the caller to cancel (a note left behind only costs a sweep a read).
        await ClearNoteAsync(reply, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The reply as the conversation's newest activity (the conversation now <c>human</c>), then its <c>auto-replies</c> message.</summary>
    private async Task AddAndEnqueueAsync(string tenantId, string id, Reply reply, CancellationToken cancellationToken)
    {
        var humanUntil = Now.AddHours(options.Value.HandbackHours);
        // At the reply's creation, so a retry's timeline entry is the first one's (recorded once).
        var changed = await conversations.ChangeAsync(tenantId, id, new TimelineEntry(false, reply.MessageId, null, reply.CreatedAt),
                c => c is null ? null : WithHumanReply(c, reply, humanUntil), cancellationToken)
            .ConfigureAwait(false);
        // Null: no conversation, or the entry was recorded by the request this one retries (with the status change, in one transaction).
        if (changed is null && await conversations.FindAsync(tenantId, id, cancellationToken).ConfigureAwait(false) is null)
            throw ProblemException.NotFound("No conversation with this id.");
        await EnqueueAsync(reply, Now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reply is queued or marked failed: nothing is left for a sweep. A failure here only leaves a note a sweep clears.</summary>
    private async Task ClearNoteAsync(Reply reply, CancellationToken cancellationToken)
    {
        try
        {
            await unqueued.ClearAsync(reply.TenantId, reply.MessageId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Human reply {ReplyId}: its note not cleared ({Error})", reply.MessageId, e.GetType().Name);
        }
    }

    /// <summary>How long a note may stand before a sweep takes it for a stopped request: longer than any request takes.</summary>
    public static readonly TimeSpan UnqueuedGrace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Queues the human replies whose request stopped after writing them: each noted longer than <see cref="UnqueuedGrace"/> ago whose
    /// reply is still <c>pending</c> is added to its conversation and queued, as its request would have. Queuing a reply twice sends
    /// it once (<see cref="ReplyDelivery"/> moves the row on with its ETag), so sweeps on many instances, or a sweep beside a request
    /// that was only slow, are safe. A note whose reply is gone or has moved on is cleared.
    /// </summary>
    /// <returns>How many replies were queued.</returns>
    public async Task<int> RequeueUnqueuedAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var note in await unqueued.NotedBeforeAsync(Now - UnqueuedGrace, cancellationToken).ConfigureAwait(false))
        {
            var reply = await replies.FindAsync(note.TenantId, note.ReplyId, cancellationToken).ConfigureAwait(false);
            if (reply is { Status: ReplyStatus.Pending, Kind: ReplyKind.Human })
            {
                try
                {
                    await AddAndEnqueueAsync(note.TenantId, note.ConversationId, reply, cancellationToken).ConfigureAwait(false);
                    queued++;
                    Telemetry.SpheresTelemetry.RepliesRequeued.Add(1);
                    logger.LogWarning("Human reply {ReplyId}: its request stopped before queueing it; queued now", reply.MessageId);
                }
                catch (ProblemException)
                {
                    // The conversation is gone (erased, or past retention): the reply has nowhere to go.
                    await replies.TryUpdateAsync(reply with { Status = ReplyStatus.Failed, Error = "The conversation no longer exists." }, cancellationToken)
                        .ConfigureAwait(false);
                }
            }
            await unqueued.ClearAsync(note.TenantId, note.ReplyId, cancellationToken).ConfigureAwait(false);
        }
        return queued;
    }

    public Task<Conversation> HandbackAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, id, c => c with { Status = ConversationStatus.Agent, HumanUntil = null }, cancellationToken);

    public Task<Conversation> CloseAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, id, c => c with { Status = ConversationStatus.Closed, HumanUntil = null }, cancellationToken);

    public Task<Conversation> MarkReadAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, id, c => c with { Unread = 0 }, cancellationToken);

    private async Task<Conversation> ChangeAsync(string tenantId, string id, Func<Conversation, Conversation> change, CancellationToken cancellationToken)
    {
        if (!Conversation.IsId(id)) throw ProblemException.NotFound("No conversation with this id.");
        return await conversations.ChangeAsync(tenantId, id, null, c => c is null ? null : change(c), cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("No conversation with this id.");
    }

    /// <summary>The <c>auto-replies</c> message <see cref="ReplyJob.ParseAutoReply"/> reads, with decision <c>human</c>.</summary>
    private async Task EnqueueAsync(Reply reply, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(TableNames.AutoRepliesQueue, cancellationToken).ConfigureAwait(false);
        using var publish = Telemetry.QueueTrace.StartPublish(TableNames.AutoRepliesQueue);
        var fields = new Dictionary<string, object>
        {
            ["message_id"] = reply.MessageId, ["tenant_id"] = reply.TenantId, ["integration_id"] = reply.IntegrationId, ["decision"] = "human",
            ["reply_text"] = reply.Text, ["recipient"] = reply.Recipient, ["received_at"] = now,
        };
        if (Telemetry.QueueTrace.Current() is { } trace) fields[Telemetry.QueueTrace.Field] = trace; // the sender continues the request's trace
        var body = JsonSerializer.Serialize(fields);
        await queue.SendMessageAsync(BinaryData.FromString(body), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
