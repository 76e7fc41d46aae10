using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spheres.Core.Telemetry;

/// <summary>
/// The app's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named <c>Spheres</c>, and the instruments
/// ops and the alerts read (docs/telemetry.md lists every span, attribute and metric). Nothing here exports: the hosts'
/// OpenTelemetry registration listens to these names. No attribute or dimension ever holds a token, a URL with a token,
/// message text, a customer's address (chat id, phone number, PSID) or an email.
/// </summary>
public static class SpheresTelemetry
{
    public const string Name = "Spheres";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Every customer message a delivery carried: <c>provider</c>, <c>decision</c>, <c>outcome</c> (stored, repeat, unrouted), <c>counted</c>.</summary>
    public static readonly Counter<long> Messages = Meter.CreateCounter<long>("spheres.messages", "{message}",
        "Customer messages received, by provider, decision and outcome; counted=true when it counts against the plan's month.");

    /// <summary>Every end a reply attempt reached: <c>provider</c> and <c>status</c> (sent, failed, skipped, deferred). The alerts read this name.</summary>
    public static readonly Counter<long> Replies = Meter.CreateCounter<long>("spheres.replies", "{reply}",
        "Replies by provider and status: sent, failed (refused or given up), skipped, deferred (the provider asked to wait).");

    /// <summary>Human replies a stopped request left written but unqueued, queued by the <c>RequeueUnqueuedReplies</c> sweep.</summary>
    public static readonly Counter<long> RepliesRequeued = Meter.CreateCounter<long>("spheres.replies.requeued", "{reply}",
        "Human replies whose request stopped between their row and their queue message, queued by the sweep.");

    /// <summary>Seconds from a queue message's insertion to its delivery to our function, by <c>queue</c>.</summary>
    public static readonly Histogram<double> QueueAge = Meter.CreateHistogram<double>("spheres.queue.age", "s",
        "Age of a queue message when its function starts: from insertion (a deferred reply's copy counts from its re-send).");

    /// <summary>Deliveries that failed on their last allowed try, so the host moves the message to <c>&lt;queue&gt;-poison</c>; by <c>queue</c>.</summary>
    public static readonly Counter<long> Poisoned = Meter.CreateCounter<long>("spheres.queue.poisoned", "{message}",
        "Queue messages whose last allowed delivery failed: the host moves them to the poison queue.");

    /// <summary>Attribute and dimension names, in one place so docs/telemetry.md and the code agree.</summary>
    public static class Tags
    {
        public const string Provider = "provider";
        public const string Decision = "decision";
        public const string Outcome = "outcome";
        public const string Counted = "counted";
        public const string Status = "status";
        public const string Queue = "queue";
        public const string TenantId = "spheres.tenant_id";
        public const string IntegrationId = "spheres.integration_id";
        public const string MessageId = "spheres.message_id";
        public const string WebhookEndpoint = "spheres.webhook.endpoint";
        public const string WebhookMessages = "spheres.webhook.messages";
        public const string WebhookRouted = "spheres.webhook.routed";
        public const string ReplyStatus = "spheres.reply.status";
        public const string ErrorType = "error.type";
    }

    /// <summary>Marks <paramref name="activity"/> failed by the exception's type only: messages can carry what attributes must not.</summary>
    public static void Fail(this Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag(Tags.ErrorType, exception.GetType().FullName);
    }
}
