using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Reviews;

/// <summary>
///   POST   reviews            one review → 201 (sentiment null until analysed, within a minute)
///   POST   reviews/import     a JSON array or text/csv, ≤ 1,000 rows → {created, duplicates, rejected}
///   GET    reviews            newest first, paged; ?sentiment= ?source= ?from= ?to=
///   GET    reviews/search     ?q= nearest in meaning → [{review, score}]
///   GET    reviews/{id}       one review
///   DELETE reviews/{id}       delete it
/// Plan professional only (403 plan-required).
/// </summary>
public sealed class ReviewFunctions(ReviewService reviews, AccessTokens tokens, ILogger<ReviewFunctions> logger)
{
    /// <summary>A date (YYYY-MM-DD) or an ISO 8601 instant starting with one, as ReviewFields.ParseInstant reads them.</summary>
    private const string DatePattern = @"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$";

    private const string Tag = "reviews";

    [Function("CreateReview")]
    [ApiExample("A Google review", """{"text":"Чудовий сервіс, майстер дуже уважна!","rating":5,"author":"Ірина","source":"google","external_id":"g-1001","created_at":"2026-05-01T14:30:00+03:00"}""")]
    [ApiOperation(Tag, "Add a review; it is analysed (sentiment, aspects, vector) within a minute.", RequestBody = typeof(ReviewRequest), RequiresBearer = true,
        Description = "Professional plan. One review per (source, external_id): a repeat is 409.")]
    [ApiResponse(201, "Created; sentiment is null until analysed.", Body = typeof(ReviewJson), Headers = ["Location"])]
    [ApiResponse(400, "A field is invalid (errors names each).")]
    [ApiResponse(403, "Reviews are not in your plan (plan-required), or it stores no more reviews (review-limit).")]
    [ApiResponse(409, "A review with this source and external_id is already stored.")]
    [ApiResponses(ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reviews")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<JsonElement>(request, cancellationToken);
            var errors = new FieldErrors();
            var input = ReviewFields.FromJson(body, errors);
            errors.ThrowIfAny();
            var review = await reviews.CreateAsync(caller, input, cancellationToken);
            return ApiResponse.Json(ReviewJson.From(review), StatusCodes.Status201Created).WithHeader("Location", $"/api/reviews/{review.Id}/");
        });

    [Function("ImportReviews")]
    [ApiExample("Two reviews", """[{"text":"Great haircut","rating":5,"source":"booksy","external_id":"b-1"},{"text":"Waited 20 minutes","rating":3,"created_at":"2026-04-12T09:00:00Z"}]""")]
    [ApiOperation(Tag, "Import up to 1,000 reviews: a JSON array of reviews, or text/csv with a header row of the same names.", RequiresBearer = true,
        RequestBody = typeof(ReviewRequest[]), BodyMaxItems = ImportLimits.MaxRows,
        Description = "Each row is checked on its own: valid rows are stored, invalid ones listed under rejected by index (the first 100). "
                      + "A row whose (source, external_id) is already stored counts as a duplicate and is not stored again. "
                      + "CSV may be comma-, semicolon- (Excel in uk, pl and other locales) or tab-separated, as its header row is; UTF-8 unless "
                      + "Content-Type names charset=windows-1251 or windows-1250. One import at a time per account, 10 an hour, at most 10,000 "
                      + "reviews stored.")]
    [ApiResponse(200, "What was stored.", Body = typeof(ImportJson))]
    [ApiResponse(400, "Not a JSON array or CSV, a bad header or charset, or more than 1,000 rows (nothing stored).")]
    [ApiResponse(403, "Reviews are not in your plan (plan-required), or the plan's stored reviews would be passed (review-limit; nothing stored).")]
    [ApiResponse(413, "Body over 8 MB.")]
    [ApiResponse(429, "Another import of yours is running, or this hour's imports are used up; wait Retry-After seconds.")]
    public Task<IActionResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reviews/import")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            // Before the body is read: the plan, one import at a time per tenant, and the plan's imports per hour.
            using var ticket = await reviews.BeginImportAsync(caller, cancellationToken);
            var (valid, rejected) = await ReviewImportBody.ReadAsync(request, cancellationToken);
            var result = await reviews.ImportAsync(caller, ticket, valid, rejected, cancellationToken);
            return ApiResponse.Json(new ImportJson(result.Created, result.Duplicates,
                result.Rejected.Take(ImportLimits.MaxRejectedListed).Select(r => new RejectedJson(r.Index, r.Errors)).ToList(), result.Rejected.Count));
        });

    [Function("ListReviews")]
    [ApiOperation(Tag, "Reviews, newest first, paged: follow `next` until it is null.", RequiresBearer = true,
        Description = "Professional plan. Paged with limit and an opaque cursor; sentiment, source, from and to narrow the list.")]
    [ApiQuery("sentiment", typeof(string), "positive, neutral or negative (analysed reviews only).", Enum = ["positive", "neutral", "negative"])]
    [ApiQuery("source", typeof(string), "Only reviews from this source (manual, google, facebook...).", Pattern = "^[a-z0-9_-]{1,32}$", Examples = ["manual", "google", "facebook"])]
    [ApiQuery("from", typeof(string), "Created at or after: an ISO 8601 instant or a date (UTC); not after `to`.", Pattern = DatePattern, Examples = ["2026-05-01", "2026-05-01T14:30:00+03:00", "2026-05-01T11:30:00Z"])]
    [ApiQuery("to", typeof(string), "Created at or before: an ISO 8601 instant or a date (UTC, the whole day).", Pattern = DatePattern, Examples = ["2026-05-01", "2026-05-01T14:30:00+03:00", "2026-05-01T11:30:00Z"])]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).", MinimumValue = 1, MaximumValue = 200)]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(ReviewPageJson))]
    [ApiResponse(400, "A bad filter, limit or cursor.")]
    [ApiResponses(ApiResponseSet.ReviewsPlan)]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reviews")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var query = ReviewQuery.ReadList(request.Query);
            var (page, nextAfter) = await reviews.ListAsync(caller, query.Filter, query.Limit, query.AfterId, cancellationToken);
            var next = nextAfter is null ? null : $"/api/reviews/?{query.FiltersQueryString}limit={query.Limit}&cursor={Uri.EscapeDataString(OpaqueText.Encode(nextAfter))}";
            return ApiResponse.Json(new ReviewPageJson(page.Select(ReviewJson.From).ToList(), next));
        });

    [Function("SearchReviews")]
    [ApiOperation(Tag, "Reviews nearest in meaning to q, best first (any of uk, ru, pl, en); analysed reviews only.", RequiresBearer = true,
        Description = "Professional plan. q is at most 500 characters; limit is 1-50. Reviews embedded by another model than the configured one are not compared.")]
    [ApiQuery("q", typeof(string), "What to look for, 1–500 characters.", Required = true, MinLength = 1, MaxLength = ReviewService.MaxSearchLength, Pattern = @"\S",
        Examples = ["friendly staff", "довго чекали"])]
    [ApiQuery("limit", typeof(int), "How many, 1–50 (default 10).", MinimumValue = 1, MaximumValue = 50)]
    [ApiResponse(200, "The nearest reviews with their cosine similarity.", Body = typeof(SearchHitJson[]))]
    [ApiResponse(400, "q missing or too long, or a bad limit.")]
    [ApiResponses(ApiResponseSet.ReviewsPlan)]
    public Task<IActionResult> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reviews/search")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var (q, limit) = ReviewQuery.ReadSearch(request.Query);
            var hits = await reviews.SearchAsync(caller, q, limit, cancellationToken);
            return ApiResponse.Json(hits.Select(h => new SearchHitJson(ReviewJson.From(h.Review), h.Score)).ToList());
        });

    [Function("GetReview")]
    [ApiOperation(Tag, "One review.", RequiresBearer = true,
        Description = "Professional plan. With its sentiment and aspects once analysed (null until then).")]
    [ApiResponse(200, "The review.", Body = typeof(ReviewJson))]
    [ApiResponses(ApiResponseSet.ReviewsPlan, ApiResponseSet.NotYours)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reviews/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ReviewJson.From(await reviews.GetAsync(caller, id, cancellationToken))));

    [Function("DeleteReview")]
    [ApiOperation(Tag, "Delete a review (it may then be imported again).", RequiresBearer = true,
        Description = "Professional plan. The tenant's analytics are recomputed without it.")]
    [ApiResponses(ApiResponseSet.Deleted, ApiResponseSet.ReviewsPlan, ApiResponseSet.NotYours)]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "reviews/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            await reviews.DeleteAsync(caller, id, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });
}
