using Microsoft.Azure.Functions.Worker;
using Spheres.Core.Operations;

namespace Spheres.Functions.Health;

/// <summary>
///   timer every minute     poison-queue depths and the oldest waiting message of each work queue, as gauges for the alerts
/// </summary>
public sealed class QueueBacklogFunctions(QueueBacklog backlog)
{
    /// <summary>Every minute: an alert over a 5-minute window sees five readings.</summary>
    public const string Schedule = "0 * * * * *";

    [Function("MeasureQueueBacklog")]
    public Task Measure([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => backlog.MeasureAsync(cancellationToken);
}
