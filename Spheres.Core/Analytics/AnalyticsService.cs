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
/// period's rows once, in bounded pages, with only the columns it needs. Every report is cached per tenant, zone,
/// period and integration in <see cref="AnalyticsCache"/> until the tenant's data changes, and the default period is
/// recomputed off the request path when it does (<see cref="RefreshAsync"/>). Nothing here embeds: top questions
/// group the vectors the embeddings queue stored.
/// The tenant always comes from the caller; an integration named in the query must be the caller's.
/// </summary>
public sealed class AnalyticsService(
    ProfileService profiles, IntegrationStore integrations, MessageStore messages, ReviewStore reviews, Outbound.ReplyStore replies,
    IWorkingScheduleSource schedules, AnalyticsCache cache, AnalyticsComputeLimit limit, EmbeddingModel model, TimeProvider time)
{
    public async Task<PeakHoursReport> PeakHoursAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        return await PeakHoursAsync(profile, period, query.IntegrationId, await StampAsync(profile, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<SentimentReport> SentimentAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        return await SentimentAsync(profile, period, await StampAsync(profile, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The period's recurring questions, largest first, at most <see cref="AnalyticsQuery.Limit"/> of them.</summary>
    public async Task<TopQuestionsReport> TopQuestionsAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var report = await TopQuestionsAsync(profile, period, query.IntegrationId, await StampAsync(profile, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return report with { Clusters = [.. report.Clusters.Take(query.Limit)] };
    }

    /// <summary>
    /// First-response times and who answered, by weekday and hour (<see cref="ResponseTally"/>). Replies do not change the data stamp,
    /// so the cache key also names the <see cref="ResponsesFreshness"/> window: a cached answer is at most that old.
    /// </summary>
    public async Task<ResponsesReport> ResponsesAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var stamp = await StampAsync(profile, cancellationToken).ConfigureAwait(false);
        var window = time.GetUtcNow().UtcTicks / ResponsesFreshness.Ticks;
        return await CachedAsync(profile.TenantId, Key($"responses-{window}", period, query.IntegrationId), pinned: false, stamp, async () =>
        {
            var tally = new ResponseTally(period.Zone);
            var (start, end) = (period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset());
            await foreach (var (id, integrationId, recipient, sentAt) in messages.AddressedBetweenAsync(profile.TenantId, start, end, query.IntegrationId,
                               cancellationToken).ConfigureAwait(false))
            {
                if (tally.IsFull) break;
                tally.AddMessage(id, integrationId, recipient, sentAt);
            }
            // A message late in the period may be answered after it.
            await foreach (var (messageId, integrationId, kind, recipient, sentAt) in replies.SentBetweenAsync(profile.TenantId, start, end + ResponsesGrace,
                               cancellationToken).ConfigureAwait(false))
            {
                tally.AddReply(messageId, integrationId, kind, recipient, sentAt);
            }
            var report = tally.Report(period);
            return (report, report.Conversations);
        }, cancellationToken).ConfigureAwait(false);
    }

    public static readonly TimeSpan ResponsesFreshness = TimeSpan.FromMinutes(5);

    /// <summary>How long after the period a reply still counts as answering a message of it.</summary>
    public static readonly TimeSpan ResponsesGrace = TimeSpan.FromDays(2);

    /// <summary>One profile read and plan check; the peak hours and top questions (of <c>integration</c> when given) and the reviews of the same period.</summary>
    public async Task<IReadOnlyList<Recommendation>> RecommendationsAsync(Caller caller, AnalyticsQuery query, CancellationToken cancellationToken)
    {
        var (profile, period) = await ContextAsync(caller, query, cancellationToken).ConfigureAwait(false);
        var stamp = await StampAsync(profile, cancellationToken).ConfigureAwait(false); // one read before all three reports' data
        var peaks = await PeakHoursAsync(profile, period, query.IntegrationId, stamp, cancellationToken).ConfigureAwait(false);
        var sentiment = await SentimentAsync(profile, period, stamp, cancellationToken).ConfigureAwait(false);
        var questions = await TopQuestionsAsync(profile, period, query.IntegrationId, stamp, cancellationToken).ConfigureAwait(false);
        return Recommendations.For(peaks, sentiment, questions, RecommendationText.For(profile.Country));
    }

    /// <summary>
    /// Off the request path (after new messages got their vectors, a review its analysis, or working hours changed):
    /// recomputes the default period (the last 30 days, every integration) of every report, so the owner's usual requests
    /// are answered from the cache. While that is cheap (fewer than <see cref="CheapQuestions"/> questions, tens of
    /// milliseconds) it is done after every change; above, at most once per <see cref="RefreshInterval"/>, so a burst of
    /// messages is not grouped once per message: what arrives meanwhile leaves the entries stale, and the next refresh or
    /// request computes them again.
    /// </summary>
    public async Task RefreshAsync(TenantProfile profile, CancellationToken cancellationToken)
    {
        var period = DefaultPeriod(profile);
        if (await cache.ComputedAsync(profile.TenantId, Key("top-questions", period, null), pinned: true, cancellationToken).ConfigureAwait(false) is { } last
            && last.Size >= CheapQuestions && time.GetUtcNow() - last.At < RefreshInterval) return;
        var stamp = await StampAsync(profile, cancellationToken).ConfigureAwait(false);
        await TopQuestionsAsync(profile, period, null, stamp, cancellationToken, background: true).ConfigureAwait(false);
        await PeakHoursAsync(profile, period, null, stamp, cancellationToken, background: true).ConfigureAwait(false);
        await SentimentAsync(profile, period, stamp, cancellationToken, background: true).ConfigureAwait(false);
    }

    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(20);
    public const int CheapQuestions = 2_000;

    private Task<TopQuestionsReport> TopQuestionsAsync(TenantProfile profile, AnalyticsPeriod period, int? integration, string stamp,
        CancellationToken cancellationToken, bool background = false) =>
        CachedAsync(profile.TenantId, Key("top-questions", period, integration), IsPinned(profile, period, integration), stamp, async () =>
        {
            var questions = new List<StoredQuestion>();
            await foreach (var (id, text, vector) in messages.EmbeddedBetweenAsync(profile.TenantId, period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset(),
                               integration, model.ModelId, cancellationToken).ConfigureAwait(false))
            {
                if (!QuestionText.IsQuestion(text)) continue;
                questions.Add(new StoredQuestion(id, text.Length <= MaxQuestionText ? text : text[..MaxQuestionText], vector));
                if (questions.Count == TopQuestions.MaxQuestions) break; // newest first: the most recent questions of a longer period
            }
            return (TopQuestions.Build(questions), questions.Count);
        }, cancellationToken, background);

    /// <summary>
    /// The result stored under <paramref name="key"/> if it was computed from the data <paramref name="stamp"/> names,
    /// else computed now and stored under that stamp. The stamp is read before the data: see <see cref="AnalyticsCache"/>.
    /// </summary>
    private async Task<T> CachedAsync<T>(string tenantId, string key, bool pinned, string stamp, Func<Task<(T Report, int Size)>> compute,
        CancellationToken cancellationToken, bool background = false) where T : class
    {
        if (await cache.FindAsync<T>(tenantId, key, pinned, stamp, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        // A request that misses the cache computes; how often one tenant may make it do so is bounded (the default period is
        // recomputed in the background, so the owner's usual requests rarely get here).
        using var permit = background ? null : limit.Acquire(tenantId);
        var (report, size) = await compute().ConfigureAwait(false);
        await cache.SaveAsync(tenantId, key, pinned, stamp, report, size, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>The period requests without from/to read, and the background keeps fresh: the last 30 days in the profile's zone.</summary>
    private AnalyticsPeriod DefaultPeriod(TenantProfile profile) =>
        new AnalyticsQuery(null, null, null).Resolve(ZoneOf(profile), Instant.FromDateTimeOffset(time.GetUtcNow()));

    /// <summary>The default period of every integration: its own cache rows, never evicted by other periods.</summary>
    private bool IsPinned(TenantProfile profile, AnalyticsPeriod period, int? integration) =>
        integration is null && DefaultPeriod(profile) is var standard && standard.From == period.From && standard.To == period.To && standard.Zone == period.Zone;

    /// <summary>The tenant's data version, read before any report's rows.</summary>
    private Task<string> StampAsync(TenantProfile profile, CancellationToken cancellationToken) => cache.StampAsync(profile.TenantId, cancellationToken);

    /// <summary>Characters of a message kept for grouping, labels and examples: a question is in its first lines.</summary>
    private const int MaxQuestionText = 1_000;

    /// <summary>One entry per report, zone (a profile's zone change reads the same dates as other instants), period and integration filter.</summary>
    private static string Key(string report, AnalyticsPeriod period, int? integration) =>
        $"{report}.v2.{period.Zone.Id.Replace('/', '~')}.{period.FromText}.{period.ToText}." +
        (integration is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all");

    private static DateTimeZone ZoneOf(TenantProfile profile) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(profile.TimeZone) ?? DateTimeZone.Utc;

    private Task<PeakHoursReport> PeakHoursAsync(TenantProfile profile, AnalyticsPeriod period, int? integration, string stamp,
        CancellationToken cancellationToken, bool background = false) =>
        CachedAsync(profile.TenantId, Key("peak-hours", period, integration), IsPinned(profile, period, integration), stamp, async () =>
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
            return (grid.Report(period), grid.Total);
        }, cancellationToken, background);

    /// <summary>Reviews belong to the tenant, not to a channel: one entry per period whatever <c>?integration=</c> says.</summary>
    private Task<SentimentReport> SentimentAsync(TenantProfile profile, AnalyticsPeriod period, string stamp, CancellationToken cancellationToken,
        bool background = false) =>
        CachedAsync(profile.TenantId, Key("sentiment", period, null), IsPinned(profile, period, null), stamp, async () =>
        {
            var summary = new SentimentSummary(period);
            var filter = new ReviewFilter(null, null, period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset().AddTicks(-1));
            string? after = null;
            var read = 0;
            do
            {
                (var page, after) = await reviews.ListAsync(profile.TenantId, filter, 1000, after, cancellationToken).ConfigureAwait(false);
                foreach (var review in page) summary.Add(review);
                read += page.Count;
            }
            while (after is not null);
            return (summary.Report(), read);
        }, cancellationToken, background);

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
