using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Operations;

/// <summary>One queue as measured: a poison queue's depth, or a work queue's oldest visible message's age (zero when empty).</summary>
public sealed record QueueReading(string Queue, long? PoisonMessages, TimeSpan? OldestAge);

/// <summary>
/// What the queues hold right now, for the alerts (infra/app/alerts.bicep): the depth of every <c>&lt;queue&gt;-poison</c> and the
/// age of the oldest visible message of every other queue. Measured from storage, not from the functions, so a stalled or
/// dead consumer shows too (its queue only grows older). Recorded as the gauges <c>spheres.queue.poison_depth</c> and
/// <c>spheres.queue.oldest_age</c> (dimension <c>queue</c>) of the <c>Spheres</c> meter, which the telemetry exports.
/// </summary>
public sealed class QueueBacklog(SpheresStorage storage, TimeProvider time, ILogger<QueueBacklog> logger)
{
    public const string PoisonSuffix = "-poison";

    /// <summary>More queues than the app has by far; the rest are not read (bounded work per run).</summary>
    public const int MaxQueues = 100;

    public static readonly Gauge<long> PoisonDepth = SpheresTelemetry.Meter.CreateGauge<long>("spheres.queue.poison_depth", "{message}",
        "Messages waiting in a poison queue (their function failed on every allowed delivery).");

    public static readonly Gauge<double> OldestAge = SpheresTelemetry.Meter.CreateGauge<double>("spheres.queue.oldest_age", "s",
        "Seconds since the oldest visible message of a work queue was inserted; 0 when none is waiting.");

    /// <summary>The queue list, then one request per queue: a poison queue's properties or one peek (and, once per instance, its create-if-missing).</summary>
    public async Task<IReadOnlyList<QueueReading>> MeasureAsync(CancellationToken cancellationToken)
    {
        var names = await storage.ListQueueNamesAsync(cancellationToken).ConfigureAwait(false);
        var readings = new List<QueueReading>();
        foreach (var name in names.Take(MaxQueues))
        {
            var queue = await storage.QueueAsync(name, cancellationToken).ConfigureAwait(false);
            var tag = new KeyValuePair<string, object?>("queue", name);
            if (name.EndsWith(PoisonSuffix, StringComparison.Ordinal))
            {
                var depth = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
                PoisonDepth.Record(depth, tag);
                readings.Add(new QueueReading(name, depth, null));
                if (depth > 0) logger.LogWarning("Poison queue {Queue} holds {Messages} message(s)", name, depth);
                continue;
            }
            var oldest = (await queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false)).Value.FirstOrDefault();
            var age = oldest?.InsertedOn is { } inserted && time.GetUtcNow() - inserted is var waited && waited > TimeSpan.Zero ? waited : TimeSpan.Zero;
            OldestAge.Record(age.TotalSeconds, tag);
            readings.Add(new QueueReading(name, null, age));
        }
        return readings;
    }
}
