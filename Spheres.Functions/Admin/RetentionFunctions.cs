using Microsoft.Azure.Functions.Worker;
using Spheres.Core.Operations;

namespace Spheres.Functions.Admin;

/// <summary>
///   timer 02:30 UTC daily     delete messages past Spheres:Retention:MessageDays and past working-hours exceptions
/// </summary>
public sealed class RetentionFunctions(DataRetention retention)
{
    /// <summary>Nightly at 02:30 UTC, a quiet hour in the seed's markets, half an hour before the catalog reseed's default.</summary>
    public const string Schedule = "0 30 2 * * *";

    [Function("ApplyRetention")]
    public Task ApplyRetention([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
