using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;
using Spheres.Core.Plans;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Core.Telemetry;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Messaging;

/// <summary>
/// The same steps for every channel once a delivery is verified, parsed and routed:
/// decide → store (with the usage count and its conversation, deduplicated) → enqueue → mark enqueued.
/// <para>Exactly once: the message id comes from the provider's event id, so storing is an
/// insert-if-absent; the counter and the conversation change in the same transaction (with the tenant's other waiting
/// messages: <see cref="MessageGroupCommit"/>), so a message counts and shows exactly when it is stored. A stored message that was not enqueued (a failure after the
/// store) is enqueued by the provider's retry; a retry arriving while another request is still
/// enqueuing waits for it briefly, then asks the provider to retry (503) rather than enqueue twice.</para>
/// </summary>
public sealed class MessagePipeline(
    MessageStore store, MessageQueues queues, IntegrationCache integrations, ProfileCache profiles, CatalogService catalog,
    IWorkingScheduleSource schedules, MessageGroupCommit groupCommit, TimeProvider time, ILogger<MessagePipeline> logger)
{
    /// <summary>How long a request owns enqueuing a message it stored, before a retry may take over.</summary>
    public static readonly TimeSpan EnqueueClaim = TimeSpan.FromSeconds(20);

    /// <summary>One message, in a <c>message decision</c> span naming its decision and whether it was new (never its text or sender).</summary>
    public async Task<InboundMessage> ProcessAsync(RoutedMessage routed, CancellationToken cancellationToken)
    {
        using var activity = SpheresTelemetry.Source.StartActivity("message decision");
        activity?.SetTag(SpheresTelemetry.Tags.Provider, routed.Message.Provider);
        activity?.SetTag(SpheresTelemetry.Tags.TenantId, routed.TenantId);
        activity?.SetTag(SpheresTelemetry.Tags.IntegrationId, routed.IntegrationId);
        try
        {
            return await DecideAsync(routed, activity, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    private async Task<InboundMessage> DecideAsync(RoutedMessage routed, Activity? activity, CancellationToken cancellationToken)
    {
        var route = new WebhookRoute(routed.TenantId, routed.IntegrationId);
        var integration = await integrations.IntegrationAsync(route, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The integration of this delivery no longer exists.");
        var profile = await profiles.FindAsync(routed.TenantId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The tenant of this delivery no longer exists.");
        var now = time.GetUtcNow();
        var active = integration.Status == IntegrationStatus.Active;
        var closedHoursReply = active ? await ClosedHoursReplyAsync(integration, profile, now, cancellationToken).ConfigureAwait(false) : null;
        var (outcome, stored) = await groupCommit.StoreAsync(new MessageGroupCommit.Pending(Candidate(routed, MessageDecision.Agent, null, now),
            UsagePeriod.Containing(FirstReceived(routed.Message, now)), !active, closedHoursReply, Plan.FromStored(profile.Plan).MessagesPerMonth,
            QuotaReply(profile))).ConfigureAwait(false);
        if (outcome == MessageStore.StoreOutcome.Stored)
        {
            Count(activity, stored, isNew: true);
            return stored; // and queued, with the batch it was stored in
        }
        var existing = await CompleteDuplicateAsync(stored, cancellationToken).ConfigureAwait(false);
        Count(activity, existing, isNew: false);
        return existing;
    }

    /// <summary>
    /// <c>spheres.messages</c> and the span's attributes: a new message is <c>stored</c>, and <c>counted</c> when it is an agent (or human)
    /// message (stored with its increment); a provider's retry of one already stored is a <c>repeat</c> with that message's decision.
    /// </summary>
    private static void Count(Activity? activity, InboundMessage stored, bool isNew)
    {
        var decision = MessageQueues.DecisionName(stored.Decision);
        var counted = isNew && stored.Decision is MessageDecision.Agent or MessageDecision.Human;
        activity?.SetTag(SpheresTelemetry.Tags.Decision, decision);
        activity?.SetTag(SpheresTelemetry.Tags.Outcome, isNew ? "stored" : "repeat");
        activity?.SetTag(SpheresTelemetry.Tags.MessageId, stored.Id);
        SpheresTelemetry.Messages.Add(1, new(SpheresTelemetry.Tags.Provider, stored.Provider), new(SpheresTelemetry.Tags.Decision, decision),
            new(SpheresTelemetry.Tags.Outcome, isNew ? "stored" : "repeat"), new(SpheresTelemetry.Tags.Counted, counted));
    }

    /// <summary>The out-of-hours reply when the integration keeps working hours (and the plan applies them) and they are closed now; else null.</summary>
    private async Task<string?> ClosedHoursReplyAsync(Integration integration, TenantProfile profile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        var supportsHours = snapshot.FindType(integration.TypeId)?.SupportsWorkingHours ?? false;
        // Hours kept from a plan that no longer has them are not applied: the agent answers around the clock.
        if (!supportsHours || !PlanPolicy.Allows(Plan.FromStored(profile.Plan), PlanFeature.WorkingHours)) return null;
        var schedule = await schedules.GetAsync(profile.TenantId, integration.Id, profile.TimeZone, cancellationToken).ConfigureAwait(false);
        var instant = Instant.FromDateTimeOffset(now);
        return schedule.IsOpenAt(instant) ? null : OutOfHoursReplies.Render(schedule, integration, profile, instant);
    }

    private static InboundMessage Candidate(RoutedMessage routed, MessageDecision decision, string? reply, DateTimeOffset now)
    {
        var m = routed.Message;
        return new InboundMessage(routed.TenantId, routed.IntegrationId, m.MessageId(routed.IntegrationId), m.Provider, m.ExternalId,
            Bounded(m.Sender, MaxStoredIdLength), Bounded(m.Text), m.SentAt, now, decision, reply, Enqueued: false, ClaimedUntil: now + EnqueueClaim)
        {
            Attachments = StoredAttachments.Bounded(m.Attachments),
            Payload = m.Payload,
            ReplyTo = m.ReplyTo is { } replyTo ? Bounded(replyTo, MaxStoredIdLength) : null,
            SenderName = m.SenderName is { } name ? Bounded(name, MaxStoredIdLength) : null,
            ReplyRecipient = m.ReplyRecipient is { } recipient ? Bounded(recipient, MaxStoredIdLength) : null,
        };
    }

    /// <summary>Ids and names are short at every provider; a longer one is cut, never a failed store.</summary>
    private const int MaxStoredIdLength = 256;

    /// <summary>Providers cap a message at 4,096 characters; a table property holds 32K. Longer text is cut, never a failed store.</summary>
    public const int MaxStoredTextLength = 8_000;

    public static string Bounded(string text, int length = MaxStoredTextLength) => text.Length <= length ? text : text[..length];

    /// <summary>Providers retry for up to 7 days (WhatsApp); a message that old is not "first received" any earlier.</summary>
    public static readonly TimeSpan LongestProviderRetry = TimeSpan.FromDays(8);

    /// <summary>
    /// When the provider first tried to deliver the message: its own timestamp, which a retry repeats,
    /// kept within the providers' retry span of now so a wrong clock cannot count it years away.
    /// A retry days later still counts in the month the customer wrote.
    /// </summary>
    public static DateTimeOffset FirstReceived(IncomingMessage message, DateTimeOffset now) =>
        message.SentAt > now ? now : message.SentAt < now - LongestProviderRetry ? now - LongestProviderRetry : message.SentAt;

    /// <summary>What the customer is told when the month's messages are used up: a person will answer.</summary>
    public static string QuotaReply(TenantProfile profile) => profile.Country == "UA"
        ? $"Дякуємо за повідомлення! {profile.BusinessName} відповість вам особисто найближчим часом."
        : $"Thanks for your message! Someone from {profile.BusinessName} will get back to you personally soon.";

    private async Task<InboundMessage> EnqueueAsync(InboundMessage stored, CancellationToken cancellationToken)
    {
        try
        {
            await queues.EnqueueAsync(stored, cancellationToken).ConfigureAwait(false);
            await store.MarkEnqueuedAsync(stored, cancellationToken).ConfigureAwait(false);
            return stored with { Enqueued = true };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Let the provider's retry take over at once instead of waiting for the claim to lapse.
            try
            {
                await store.ReleaseClaimAsync(stored, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception release)
            {
                logger.LogWarning("Message {MessageId}: claim not released ({Error}); a retry after {Seconds} s completes it",
                    stored.Id, release.GetType().Name, EnqueueClaim.TotalSeconds);
            }
            throw;
        }
    }

    /// <summary>A repeat of a stored message: done already, being done (wait), or left half-way (finish it).</summary>
    private async Task<InboundMessage> CompleteDuplicateAsync(InboundMessage candidate, CancellationToken cancellationToken)
    {
        // Waiting is real time (a concurrent request finishing), not business time.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var existing = await store.FindAsync(candidate.TenantId, candidate.Id, cancellationToken).ConfigureAwait(false)
                ?? throw ProblemException.StorageUnavailable();
            if (existing.Enqueued || existing.Decision == MessageDecision.Inactive)
            {
                return existing;
            }
            var now = time.GetUtcNow();
            if (existing.ClaimedUntil <= now)
            {
                if (await store.TryClaimAsync(existing, now + EnqueueClaim, cancellationToken).ConfigureAwait(false) is { } claimed)
                {
                    logger.LogInformation("Message {MessageId} was stored but not enqueued; the retry enqueues it", existing.Id);
                    return await EnqueueAsync(claimed, cancellationToken).ConfigureAwait(false);
                }
                continue; // another retry claimed it first: see how it went
            }
            if (waited.Elapsed >= TimeSpan.FromSeconds(3))
            {
                throw new ProblemException(503, "in-progress", "Still being processed.",
                    "This delivery is being processed by an earlier attempt; retry shortly.") { RetryAfterSeconds = 2 };
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }
}
