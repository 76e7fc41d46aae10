namespace Spheres.Functions.OpenApi;

/// <summary>
/// Names of responses that several functions give in the same words, used as
/// <c>[ApiResponses(ApiResponseSet.NotYours)]</c>. Each is written once in <see cref="ApiResponseSets"/>.
/// </summary>
public enum ApiResponseSet
{
    Deleted,
    NotModified,
    BadLimitOrCursor,
    RefreshTokenMissing,
    TypeWithoutWorkingHours,
    AnalyticsBadFilter,
    CatalogPatchRejected,
    BadSignature,
    ReviewsPlan,
    WorkingHoursPlan,
    AnalyticsAccess,
    NotYours,
    AccountGone,
    UnknownSphereSlug,
    UnknownTypeSlug,
    StaleIfMatch,
    WeekEditConflict,
    BodyOver1Mb,
    BodyOver4Mb,
    SignInRateLimit,
    FacebookUnavailable,
    WebhookStorageRetry,
}

/// <summary>What each <see cref="ApiResponseSet"/> documents; the OpenAPI document expands them like <c>[ApiResponse]</c>s.</summary>
public static class ApiResponseSets
{
    public static IReadOnlyList<ApiResponseAttribute> Of(ApiResponseSet set) => set switch
    {
        ApiResponseSet.Deleted => [new(204, "Deleted.")],
        ApiResponseSet.NotModified => [new(304, "Not modified (If-None-Match matched).")],
        ApiResponseSet.BadLimitOrCursor => [new(400, "Bad limit or cursor.")],
        ApiResponseSet.RefreshTokenMissing => [new(400, "refresh_token missing.")],
        ApiResponseSet.TypeWithoutWorkingHours => [new(400, "The integration's type has no working hours.")],
        ApiResponseSet.AnalyticsBadFilter => [new(400, "A bad date, range or integration id (errors names the field).")],
        ApiResponseSet.CatalogPatchRejected =>
        [
            new(400, "A field that cannot be overridden, or an invalid value; errors names each."),
            new(409, "The catalog kept changing while saving."),
        ],
        ApiResponseSet.BadSignature => [new(401, "Missing or wrong signature.")],
        ApiResponseSet.ReviewsPlan => [new(403, "Reviews are not in your plan (plan-required).")],
        ApiResponseSet.WorkingHoursPlan => [new(403, "Working hours are not in your plan (plan-required).")],
        ApiResponseSet.AnalyticsAccess => // every analytics report: the plan, and the integration filter's owner
        [
            new(403, "Analytics are not in your plan (plan-required)."),
            new(404, "No such integration of yours."),
            new(429, "Reports for periods not computed before are limited per tenant (12 a minute, 2 at once); Retry-After says when to try again."),
        ],
        ApiResponseSet.NotYours => [new(404, "Not yours or not there.")],
        ApiResponseSet.AccountGone => [new(404, "The account no longer exists.")],
        ApiResponseSet.UnknownSphereSlug => [new(404, "No sphere has this slug.")],
        ApiResponseSet.UnknownTypeSlug => [new(404, "No type has this slug.")],
        ApiResponseSet.StaleIfMatch =>
        [
            new(409, "Another request changed it while saving (no If-Match was sent): reload and try again."),
            new(412, "If-Match is stale: it changed since you read it; nothing was changed."),
        ],
        ApiResponseSet.WeekEditConflict => [new(409, "Other edits of this week kept winning; reload and try again.")],
        ApiResponseSet.BodyOver1Mb => [new(413, "Body over 1 MB.")],
        ApiResponseSet.BodyOver4Mb => [new(413, "Body over 4 MB.")],
        ApiResponseSet.SignInRateLimit => [new(429, "Too many sign-in requests from this address this minute; wait Retry-After seconds.")],
        ApiResponseSet.FacebookUnavailable => [new(502, "Facebook did not answer.")],
        ApiResponseSet.WebhookStorageRetry => [new(503, "Storage unavailable: retry.")],
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, "A response set with no responses: add it to ApiResponseSets.Of."),
    };
}
