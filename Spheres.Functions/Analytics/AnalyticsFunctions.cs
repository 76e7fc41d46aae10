using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Analytics;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Analytics;

/// <summary>
///   GET analytics/peak-hours        7×24 heatmap in the profile's zone, top slots, demand while closed
///   GET analytics/top-questions     customers' questions grouped by meaning, largest first
///   GET analytics/sentiment         review counts, average rating, weekly trend, aspects behind negative reviews
///   GET analytics/recommendations   advice with its evidence (extend_hours, answer_top_question, fix_aspect)
///   GET analytics/responses         first-response times and who answered (agent, human, out-of-hours only, nobody) by weekday and hour
/// All take ?from=&amp;to= (local dates, default the last 30 days) and ?integration=. Plan professional only (403 plan-required).
/// </summary>
public sealed class AnalyticsFunctions(AnalyticsService analytics, AccessTokens tokens, ILogger<AnalyticsFunctions> logger)
{
    private const string Tag = "analytics";
    private const string FromHelp = "First day, YYYY-MM-DD in the profile's time zone, years 2000–2100 (default: 29 days before `to`); not after `to`.";
    // Years 2000–2100, as the handler reads them; which of those days exist is format: date.
    private const string DatePattern = "^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$";
    private const string ToHelp = "Last day included, YYYY-MM-DD (default: today in the profile's zone); at most 366 days after `from`.";
    private const string IntegrationHelp = "Only messages of this integration of yours.";

    [Function("PeakHours")]
    [ApiOperation(Tag, "When customers write: a 7×24 heatmap by sent_at in the profile's time zone, the five busiest slots, and the demand that arrived while the integration's working hours were closed.",
        RequiresBearer = true,
        Description = "Professional plan. The period is from/to in the profile's local dates (default the last 30 days, at most 366), DST-exact; integration narrows it to one channel.")]
    [ApiQuery("from", typeof(string), FromHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-03-01", "2026-05-15"])]
    [ApiQuery("to", typeof(string), ToHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-05-31", "2026-12-31"])]
    [ApiQuery("integration", typeof(int), IntegrationHelp, MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiResponse(200, "168 cells (weekday 0 = Monday), the peaks and outside_hours.", Body = typeof(PeakHoursJson))]
    [ApiResponses(ApiResponseSet.AnalyticsBadFilter, ApiResponseSet.AnalyticsAccess)]
    public Task<IActionResult> PeakHours(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/peak-hours")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(PeakHoursJson.Of(await analytics.PeakHoursAsync(caller, Query(request), cancellationToken))));

    [Function("TopQuestions")]
    [ApiOperation(Tag, "What customers ask: the period's inbound messages grouped by meaning across languages (greetings and thanks left out), largest group first, each with a short label, the most typical question, examples, languages and every member's message id. Answered from a cache that new messages make stale; a message counts within a minute of arrival.",
        RequiresBearer = true,
        Description = "Professional plan. limit is 1-50 (default 10); from, to and integration narrow the period and channel.")]
    [ApiQuery("from", typeof(string), FromHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-03-01", "2026-05-15"])]
    [ApiQuery("to", typeof(string), ToHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-05-31", "2026-12-31"])]
    [ApiQuery("integration", typeof(int), IntegrationHelp, MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiQuery("limit", typeof(int), "How many groups, 1–50 (default 10).", MinimumValue = 1, MaximumValue = AnalyticsQuery.MaxLimit)]
    [ApiResponse(200, "The total of questions and the groups of two or more, largest first.", Body = typeof(TopQuestionsJson))]
    [ApiResponse(400, "A bad date, range, integration id or limit (errors names the field).")]
    [ApiResponses(ApiResponseSet.AnalyticsAccess)]
    public Task<IActionResult> TopQuestions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/top-questions")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(TopQuestionsJson.Of(await analytics.TopQuestionsAsync(caller, Query(request), cancellationToken))));

    [Function("SentimentAnalytics")]
    [ApiOperation(Tag, "How the period's reviews feel: counts by sentiment, average rating, a weekly trend and the aspects behind negative reviews, worst first.",
        RequiresBearer = true,
        Description = "Professional plan. Reviews belong to the tenant, not to a channel; weeks start on Monday in the profile's zone.")]
    [ApiQuery("from", typeof(string), FromHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-03-01", "2026-05-15"])]
    [ApiQuery("to", typeof(string), ToHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-05-31", "2026-12-31"])]
    [ApiQuery("integration", typeof(int), "Checked (404 when not yours) but it does not narrow the summary: reviews belong to the business, not to a channel.", MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiResponse(200, "The summary; weeks start on Monday in the profile's zone.", Body = typeof(SentimentAnalyticsJson))]
    [ApiResponses(ApiResponseSet.AnalyticsBadFilter, ApiResponseSet.AnalyticsAccess)]
    public Task<IActionResult> Sentiment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/sentiment")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(SentimentAnalyticsJson.Of(await analytics.SentimentAsync(caller, Query(request), cancellationToken))));

    [Function("Recommendations")]
    [ApiOperation(Tag, "What to change, most urgent first, each with its evidence: extend_hours (a weekday whose closed hours drew customers), answer_top_question (a question customers keep asking), fix_aspect (what negative reviews are about). In Ukrainian for a profile in UA, otherwise English.",
        RequiresBearer = true,
        Description = "Professional plan. Built from the same cached reports as peak hours, sentiment and top questions, over the last 30 days.")]
    [ApiQuery("from", typeof(string), FromHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-03-01", "2026-05-15"])]
    [ApiQuery("to", typeof(string), ToHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-05-31", "2026-12-31"])]
    [ApiQuery("integration", typeof(int), IntegrationHelp, MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiResponse(200, "The recommendations (empty when nothing stands out).", Body = typeof(RecommendationJson[]))]
    [ApiResponses(ApiResponseSet.AnalyticsBadFilter, ApiResponseSet.AnalyticsAccess)]
    public Task<IActionResult> RecommendationsList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/recommendations")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json((await analytics.RecommendationsAsync(caller, Query(request), cancellationToken)).Select(RecommendationJson.Of).ToList()));

    [Function("ResponseAnalytics")]
    [ApiOperation(Tag, "How fast and by whom customers are answered: first-response time percentiles, and the share of conversations answered by the agent, by a human, by the out-of-hours reply only, or not at all, by weekday and hour in the profile's zone.",
        RequiresBearer = true,
        Description = "Professional plan. A conversation is one customer on one integration, counted from its first message in the period; a reply sent up to two days after the period still answers it. Cached for at most five minutes.")]
    [ApiQuery("from", typeof(string), FromHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-03-01", "2026-05-15"])]
    [ApiQuery("to", typeof(string), ToHelp, Format = "date", Pattern = DatePattern, Examples = ["2026-05-31", "2026-12-31"])]
    [ApiQuery("integration", typeof(int), IntegrationHelp, MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiResponse(200, "Totals, shares, percentiles and the non-empty weekday × hour cells.", Body = typeof(ResponsesJson))]
    [ApiResponses(ApiResponseSet.AnalyticsBadFilter, ApiResponseSet.AnalyticsAccess)]
    public Task<IActionResult> Responses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics/responses")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ResponsesJson.Of(await analytics.ResponsesAsync(caller, Query(request), cancellationToken))));

    private static AnalyticsQuery Query(HttpRequest request) =>
        AnalyticsQuery.Parse(request.Query["from"].FirstOrDefault(), request.Query["to"].FirstOrDefault(), request.Query["integration"].FirstOrDefault(),
            request.Query["limit"].FirstOrDefault());
}
