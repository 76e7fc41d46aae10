using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Analytics.Questions;
using Spheres.Core.Embeddings;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Core.WorkingHours;

namespace Spheres.Core.Analytics;

/// <summary>
/// The analytics a professional plan promises, from the stored messages and reviews: each computation reads the
/// period's rows once, in bounded pages, with only the columns it needs. Top questions (the costly one) are cached
/// per tenant, period and integration in <see cref="AnalyticsCache"/>, and never embed anything: they group the
/// vectors the embeddings queue stored.
/// The tenant always comes from the caller; an integration named in the query must be the caller's.
/// </summary>
public sealed class AnalyticsService(
    ProfileService profiles, IntegrationStore integrations, MessageStore messages, ReviewStore reviews,
    IWorkingScheduleSource schedules, AnalyticsCache cache, EmbeddingModel model, TimeProvider time)
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

    /// <summary>The period's recurring questions, largest first, at most <see cref="AnalyticsQuery.Limit"/> of them.</summary>
    public async Task<TopQuestionsReport> TopQuestionsAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var report = await TopQuestionsAsync(profile.TenantId, period, query.IntegrationId, cancellationToken).ConfigureAwait(false);
        return report with { Clusters = [.. report.Clusters.Take(query.Limit)] };
    }

    /// <summary>One profile read and plan check; the peak hours and top questions (of <c>integration</c> when given) and the reviews of the same period.</summary>
    public async Task<IReadOnlyList<Recommendation>> RecommendationsAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var peaks = await PeakHoursAsync(profile, period, query.IntegrationId, cancellationToken).ConfigureAwait(false);
        var sentiment = await SentimentAsync(profile, period, cancellationToken).ConfigureAwait(false);
        var questions = await TopQuestionsAsync(profile.TenantId, period, query.IntegrationId, cancellationToken).ConfigureAwait(false);
        return Recommendations.For(peaks, sentiment, questions, RecommendationText.For(profile.Country));
    }

    /// <summary>
    /// Off the request path (after new messages got their vectors): recomputes the default period's top questions
    /// (the last 30 days, every integration) so the owner's usual request is answered from the cache. While that is
    /// cheap (fewer than <see cref="CheapQuestions"/> questions, tens of milliseconds) it is done after every batch;
    /// above, at most once per <see cref="RefreshInterval"/>, so a burst of messages is not grouped once per message:
    /// what arrives meanwhile leaves the entry stale, and the next refresh or request computes it again.
    /// </summary>
    public async Task RefreshAsync(TenantProfile profile, CancellationToken cancellationToken)
    {
        var period = new AnalyticsQuery(null, null, null).Resolve(ZoneOf(profile), Instant.FromDateTimeOffset(time.GetUtcNow()));
        if (await cache.ComputedAsync(profile.TenantId, TopQuestionsKey(period, null), cancellationToken).ConfigureAwait(false) is { } last
            && last.Size >= CheapQuestions && time.GetUtcNow() - last.At < RefreshInterval) return;
        await TopQuestionsAsync(profile.TenantId, period, null, cancellationToken).ConfigureAwait(false);
    }

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(20);
    public const int CheapQuestions = 2_000;

    private async Task<TopQuestionsReport> TopQuestionsAsync(string tenantId, AnalyticsPeriod period, int? integration, CancellationToken cancellationToken)
    {
        var key = TopQuestionsKey(period, integration);
        var stamp = await cache.StampAsync(tenantId, cancellationToken).ConfigureAwait(false); // before the data: see AnalyticsCache
        if (await cache.FindAsync<TopQuestionsReport>(tenantId, key, stamp, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        var questions = new List<StoredQuestion>();
        await foreach (var (id, text, vector) in messages.EmbeddedBetweenAsync(tenantId, period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset(),
                           integration, model.ModelId, cancellationToken).ConfigureAwait(false))
        {
            if (!QuestionText.IsQuestion(text)) continue;
            questions.Add(new StoredQuestion(id, text.Length <= MaxQuestionText ? text : text[..MaxQuestionText], vector));
            if (questions.Count == TopQuestions.MaxQuestions) break; // newest first: the most recent questions of a longer period
        }
        var report = TopQuestions.Build(questions);
        await cache.SaveAsync(tenantId, key, stamp, report, questions.Count, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>Characters of a message kept for grouping, labels and examples: a question is in its first lines.</summary>
    private const int MaxQuestionText = 1_000;

    private static string TopQuestionsKey(AnalyticsPeriod period, int? integration) =>
        $"top-questions.v1.{period.FromText}.{period.ToText}.{(integration is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all")}";

    private static DateTimeZone ZoneOf(TenantProfile profile) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(profile.TimeZone) ?? DateTimeZone.Utc;

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
        return (profile, query.Resolve(ZoneOf(profile), Instant.FromDateTimeOffset(time.GetUtcNow())));
    }
}
