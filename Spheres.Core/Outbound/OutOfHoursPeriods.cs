using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Outbound;

/// <summary>
/// One out-of-hours reply per customer and closed period: the period's reply is claimed by the first of its messages
/// (<see cref="ReplyStore.ClaimPeriodAsync"/>), the others are skipped however they race.
/// </summary>
public sealed class OutOfHoursPeriods(ReplyStore replies, ProfileCache profiles, IWorkingScheduleSource schedules)
{
    /// <summary>The id of the message whose reply answers the closed period <paramref name="receivedAt"/> fell in (this one, or one before it).</summary>
    public async Task<string> ClaimAsync(Integration integration, string customer, DateTimeOffset receivedAt, string messageId, CancellationToken cancellationToken)
    {
        var period = await ClosedPeriodAsync(integration, receivedAt, cancellationToken).ConfigureAwait(false);
        return await replies.ClaimPeriodAsync(integration.TenantId, integration.Id, customer, period, messageId, receivedAt, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The closed period a message fell in, named by the instant it ends (the next opening after the
    /// message; "never" when the schedule never opens again). Identifies the period as well as its
    /// start, and stays the same when the pipeline decided a moment after the provider's timestamp.
    /// </summary>
    private async Task<string> ClosedPeriodAsync(Integration integration, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(integration.TenantId, cancellationToken).ConfigureAwait(false);
        var schedule = await schedules.GetAsync(integration.TenantId, integration.Id, profile?.TimeZone ?? "UTC", cancellationToken).ConfigureAwait(false);
        return schedule.NextOpening(Instant.FromDateTimeOffset(receivedAt)) is { } opening
            ? opening.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : "never";
    }

}
