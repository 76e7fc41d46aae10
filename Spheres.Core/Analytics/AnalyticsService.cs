using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Analytics;

/// <summary>
/// The analytics a professional plan promises, computed on request from the stored messages and reviews
/// (no cache yet): each request reads the period's rows once, in bounded pages, with only the columns it needs.
/// The tenant always comes from the caller; an integration named in the query must be the caller's.
/// </summary>
public sealed class AnalyticsService(
    ProfileService profiles, IntegrationStore integrations, MessageStore messages, ReviewStore reviews,
    IWorkingScheduleSource schedules, TimeProvider time)
{
    public async Task<PeakHoursReport> PeakHoursAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        return await PeakHoursAsync(profile, period, query.IntegrationId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SentimentReport> SentimentAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        return await SentimentAsync(profile, period, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One profile read and plan check; the peak hours (of <c>integration</c> when given) and the reviews of the same period.</summary>
    public async Task<IReadOnlyList<Recommendation>> RecommendationsAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var peaks = await PeakHoursAsync(profile, period, query.IntegrationId, cancellationToken).ConfigureAwait(false);
        var sentiment = await SentimentAsync(profile, period, cancellationToken).ConfigureAwait(false);
        return Recommendations.For(peaks, sentiment, RecommendationText.For(profile.Country));
    }

    private async Task<PeakHoursReport> PeakHoursAsync(TenantProfile profile, AnalyticsPeriod period, int? integration, CancellationToken cancellationToken)
    {
        var grid = new PeakHoursGrid(period.Zone);
        var scheduleOf = new Dictionary<int, WorkingSchedule>();
        await foreach (var (integrationId, sender, sentAt) in messages.SentBetweenAsync(profile.TenantId, period.Start.ToDateTimeOffset(),
                           period.End.ToDateTimeOffset(), integration, cancellationToken).ConfigureAwait(false))
        {
            if (!scheduleOf.TryGetValue(integrationId, out var schedule))
            {
                schedule = await schedules.GetAsync(profile.TenantId, integrationId, profile.TimeZone, cancellationToken).ConfigureAwait(false);
                scheduleOf[integrationId] = schedule;
            }
            var instant = Instant.FromDateTimeOffset(sentAt);
            grid.Add(instant, !schedule.IsOpenAt(instant), sender);
        }
        return grid.Report(period);
    }

    private async Task<SentimentReport> SentimentAsync(TenantProfile profile, AnalyticsPeriod period, CancellationToken cancellationToken)
    {
        var summary = new SentimentSummary(period);
        var filter = new ReviewFilter(null, null, period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset().AddTicks(-1));
        string? after = null;
        do
        {
            (var page, after) = await reviews.ListAsync(profile.TenantId, filter, 1000, after, cancellationToken).ConfigureAwait(false);
            foreach (var review in page) summary.Add(review);
        }
        while (after is not null);
        return summary.Report();
    }

    /// <summary>The plan check, the profile's zone and the period; 404 when <c>integration</c> is not the caller's.</summary>
    private async Task<(TenantProfile Profile, AnalyticsPeriod Period)> ContextAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        ReviewService.RequirePlan(profile);
        if (query.IntegrationId is { } id && await integrations.FindAsync(caller.TenantId, id, cancellationToken).ConfigureAwait(false) is null)
        {
            throw ProblemException.NotFound($"You have no integration {id}.");
        }
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(profile.TimeZone) ?? DateTimeZone.Utc;
        return (profile, query.Resolve(zone, Instant.FromDateTimeOffset(time.GetUtcNow())));
    }
}
