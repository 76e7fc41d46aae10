using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.Messaging;

/// <summary>
/// Group commit of one tenant's messages on this instance. Messages that arrive while the tenant's transaction is under way
/// wait, and the next transaction stores up to <see cref="MaxBatch"/> of them together in the tenant's partition: their rows, the
/// month's counter raised once for all the counted ones (ETag-checked, so each message is still counted exactly when it is stored,
/// and another instance's increment fails it and the counter is read again), and each message added to its conversation. Then
/// the batch is queued (one embeddings message for all, each message to its queue) and marked queued in one more transaction.
/// <para>No background worker: the request whose message is first in line commits the batch it is in, hands the lead to the next
/// waiting request (whose batch commits while this one is queued), then queues its batch; a busy tenant's counter is written once per batch.</para>
/// </summary>
public sealed class MessageGroupCommit(MessageStore store, IConversationLog conversations, MessageQueues queues, TimeProvider time,
    ILogger<MessageGroupCommit> logger)
{
    /// <summary>
    /// At most 16 messages a transaction: 2 rows each, a timeline row each and, when every message is of another customer,
    /// 3 conversation rows each, plus the counter: 97 of the 100 operations an entity-group transaction may hold.
    /// </summary>
    public const int MaxBatch = 16;

    private const int MaxAttempts = 10;

    /// <summary>
    /// A message waiting to be stored, as the pipeline decided what it could before: <paramref name="Message"/> with decision
    /// <c>agent</c>, counted in <paramref name="Period"/>; <paramref name="Inactive"/> when its integration is off;
    /// <paramref name="ClosedHoursReply"/> when working hours are closed (unless a human holds the conversation).
    /// </summary>
    public sealed record Pending(InboundMessage Message, UsagePeriod Period, bool Inactive, string? ClosedHoursReply, int Limit, string QuotaReply)
    {
        /// <summary>The span the message was decided in: its queue message continues that trace.</summary>
        public Activity? Trace { get; init; } = Activity.Current;

        /// <summary>What became of the message: stored and queued, or found stored before.</summary>
        internal TaskCompletionSource<(MessageStore.StoreOutcome Outcome, InboundMessage Message)> Turn { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when this request is to commit the next batch (its message is first in line).</summary>
        internal TaskCompletionSource Lead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lane
    {
        public readonly List<Pending> Waiting = [];
        public bool Committing;
    }

    private readonly ConcurrentDictionary<string, Lane> _lanes = new();
    private readonly ConcurrentDictionary<string, (UsagePeriod Period, MessageStore.Usage Usage)> _counters = new();

    /// <summary>
    /// Stores and queues the message with the others waiting for its tenant: <c>Stored</c> (with its decision, queued) or <c>Duplicate</c>
    /// (an earlier delivery stored it). Waiting does not end early: a batch another request leads may hand the lead to this one,
    /// and a turn ends within one transaction's time (the storage client's timeout bounds it).
    /// </summary>
    public async Task<(MessageStore.StoreOutcome Outcome, InboundMessage Message)> StoreAsync(Pending pending)
    {
        var lane = _lanes.GetOrAdd(pending.Message.TenantId, _ => new Lane());
        bool lead;
        lock (lane)
        {
            lane.Waiting.Add(pending);
            lead = !lane.Committing;
            lane.Committing = true;
        }
        if (!lead && await Task.WhenAny(pending.Turn.Task, pending.Lead.Task).ConfigureAwait(false) == pending.Turn.Task)
        {
            return await pending.Turn.Task.ConfigureAwait(false);
        }
        var batch = TakeBatch(lane);
        List<InboundMessage>? stored;
        try
        {
            stored = await CommitAsync(pending.Message.TenantId, batch).ConfigureAwait(false);
        }
        finally
        {
            lock (lane)
            {
                if (lane.Waiting.Count > 0) lane.Waiting[0].Lead.TrySetResult(); // the next in line commits while this batch is queued
                else lane.Committing = false;
            }
        }
        if (stored is not null) await EnqueueAsync(batch, stored).ConfigureAwait(false);
        return await pending.Turn.Task.ConfigureAwait(false);
    }

    /// <summary>The first waiting message and up to <see cref="MaxBatch"/> - 1 more of its month, each message id once (a copy waits for the next batch).</summary>
    private static List<Pending> TakeBatch(Lane lane)
    {
        lock (lane)
        {
            var period = lane.Waiting[0].Period;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var batch = lane.Waiting.Where(p => p.Period == period && ids.Add(p.Message.Id)).Take(MaxBatch).ToList();
            lane.Waiting.RemoveAll(p => batch.Exists(b => ReferenceEquals(b, p)));
            return batch;
        }
    }

    /// <summary>
    /// One transaction for the batch, tried again without what it found stored already (those leave <paramref name="batch"/>, their
    /// turns ended), with the counter read again when another instance counted meanwhile and a conversation read again when another
    /// write changed it. The stored messages of what is left in <paramref name="batch"/>, in its order; null when every turn ended.
    /// </summary>
    private async Task<List<InboundMessage>?> CommitAsync(string tenantId, List<Pending> batch)
    {
        var records = new Dictionary<(int, string), IConversationRecord>();
        var stale = new HashSet<(int, string)>();
        try
        {
            // Conflicts are bounded; a message found stored leaves the batch, so those tries are bounded by its size.
            for (var conflicts = 0; conflicts < MaxAttempts;)
            {
                foreach (var key in batch.Select(ConversationOf).Distinct().Where(k => !records.ContainsKey(k)))
                {
                    records[key] = await conversations.OpenAsync(tenantId, key.Item1, key.Item2, stale.Remove(key), CancellationToken.None).ConfigureAwait(false);
                }
                if (batch.Count == 0) return null;
                var period = batch[0].Period;
                var usage = batch.Any(p => !p.Inactive) ? await UsageAsync(tenantId, period).ConfigureAwait(false) : new MessageStore.Usage(0, null);
                var (messages, counted) = Decide(batch, records, usage.Count);
                var actions = messages.SelectMany(MessageStore.InsertActions).ToList();
                var counterIndex = counted > 0 ? actions.Count : -1;
                if (counted > 0) actions.Add(MessageStore.CounterAction(tenantId, period, usage, counted));
                var spans = new List<((int, string) Key, int Start, int Length)>();
                foreach (var group in messages.GroupBy(m => (m.IntegrationId, m.Sender)))
                {
                    var rows = records[group.Key].Record(group.ToList());
                    spans.Add((group.Key, actions.Count, rows.Count));
                    actions.AddRange(rows);
                }
                try
                {
                    var responses = await store.SubmitAsync(actions, CancellationToken.None).ConfigureAwait(false);
                    if (counted > 0) _counters[tenantId] = (period, new MessageStore.Usage(usage.Count + counted, responses[counterIndex].Headers.ETag));
                    foreach (var (key, start, length) in spans) records[key].Committed(responses.Skip(start).Take(length).ToList());
                    return messages.Select((m, i) => m with { ETag = responses[2 * i + 1].Headers.ETag?.ToString() }).ToList();
                }
                catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index)
                {
                    if (index < 2 * batch.Count)
                    {
                        // A message stored before (a provider's retry) leaves the batch as a duplicate; one storage refuses, as that refusal.
                        var failed = batch[index / 2];
                        if (e.Status == 409) failed.Turn.TrySetResult((MessageStore.StoreOutcome.Duplicate, messages[index / 2]));
                        else failed.Turn.TrySetException(e);
                        batch.RemoveAt(index / 2);
                    }
                    else if (index == counterIndex && e.Status is 409 or 412)
                    {
                        _counters.TryRemove(tenantId, out _);
                        conflicts++;
                        // Another instance counted meanwhile: back off a little, at random, so instances stop colliding.
                        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 * conflicts))).ConfigureAwait(false);
                    }
                    else if (spans.FirstOrDefault(s => index >= s.Start && index < s.Start + s.Length) is { Length: > 0 } span)
                    {
                        conflicts++;
                        if (!records[span.Key].Failed(index - span.Start, e.Status))
                        {
                            records.Remove(span.Key);
                            stale.Add(span.Key);
                        }
                    }
                    else throw;
                }
            }
            foreach (var p in batch) p.Turn.TrySetException(ProblemException.StorageUnavailable()); // it kept changing under us: the provider retries
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Turn.TrySetException(e);
        }
        return null;
    }

    /// <summary>
    /// Queues the batch's stored messages (one embeddings message for all, then each to its queue) and marks the sent ones in one
    /// transaction. A message whose send or mark failed has its claim ended, so the provider's retry enqueues it at once, and its
    /// request fails (503): stored, not yet queued, as after any failure past the store.
    /// </summary>
    private async Task EnqueueAsync(List<Pending> batch, List<InboundMessage> stored)
    {
        var failures = await queues.EnqueueManyAsync(stored, batch.Select(p => p.Trace).ToList(), CancellationToken.None).ConfigureAwait(false);
        var sent = stored.Where((_, i) => failures[i] is null).ToList();
        try
        {
            await store.MarkEnqueuedAsync(sent, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            for (var i = 0; i < failures.Length; i++) failures[i] ??= e;
        }
        var unsent = stored.Where((_, i) => failures[i] is not null).ToList();
        if (unsent.Count > 0)
        {
            try
            {
                await store.ReleaseClaimsAsync(unsent, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception release)
            {
                logger.LogWarning("{Count} messages: claims not released ({Error}); a retry after {Seconds} s completes them",
                    unsent.Count, release.GetType().Name, MessagePipeline.EnqueueClaim.TotalSeconds);
            }
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure) batch[i].Turn.TrySetException(failure);
            else batch[i].Turn.TrySetResult((MessageStore.StoreOutcome.Stored, stored[i] with { Enqueued = true }));
        }
    }

    private static (int, string) ConversationOf(Pending p) => (p.Message.IntegrationId, p.Message.Sender);

    /// <summary>
    /// Each message's decision, oldest first: <c>inactive</c>; <c>human</c> when a human holds its conversation; <c>out_of_hours</c>
    /// when hours are closed; <c>agent</c> while the month's count is under the plan's limit, <c>quota_exceeded</c> after it.
    /// </summary>
    private static (List<InboundMessage> Messages, int Counted) Decide(List<Pending> batch, Dictionary<(int, string), IConversationRecord> records, int used)
    {
        var counted = 0;
        var messages = new List<InboundMessage>(batch.Count);
        foreach (var p in batch)
        {
            var human = records[ConversationOf(p)].IsHumanAt(p.Message.ReceivedAt);
            var (decision, reply) = p.Inactive ? (MessageDecision.Inactive, null)
                : !human && p.ClosedHoursReply is { } closed ? (MessageDecision.OutOfHours, closed)
                : used + counted >= p.Limit ? (MessageDecision.QuotaExceeded, p.QuotaReply)
                : (human ? MessageDecision.Human : MessageDecision.Agent, (string?)null);
            if (decision is MessageDecision.Agent or MessageDecision.Human) counted++;
            messages.Add(p.Message with { Decision = decision, ReplyText = reply });
        }
        return (messages, counted);
    }

    /// <summary>The month's counter as this instance last wrote it, else as stored.</summary>
    private async Task<MessageStore.Usage> UsageAsync(string tenantId, UsagePeriod period) =>
        _counters.TryGetValue(tenantId, out var last) && last.Period == period
            ? last.Usage
            : await store.ReadUsageAsync(tenantId, period, CancellationToken.None).ConfigureAwait(false);
}
