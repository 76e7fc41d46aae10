namespace Spheres.Core.Problems;

/// <summary>
/// A failure the caller should see as an RFC 9457 problem. Core services throw these; the
/// HTTP layer turns them into responses in one place. Messages never carry secrets.
/// </summary>
public class ProblemException(int status, string typeSuffix, string title, string detail) : Exception(detail)
{
    /// <summary>Base of every problem <c>type</c> URI this API returns.</summary>
    public const string TypeBase = "https://spheres.app/problems/";

    public int Status { get; } = status;
    public string Type { get; } = TypeBase + typeSuffix;
    public string Title { get; } = title;
    public string Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401 (RFC 9110 requires one), such as <c>Bearer</c>.</summary>
    public string? Challenge { get; init; }

    /// <summary>On a <c>plan-required</c> problem, the id of the cheapest plan that unlocks what was refused (the upgrade button's target).</summary>
    public string? RequiredPlan { get; init; }

    /// <summary>Seconds the client should wait, sent as <c>Retry-After</c>.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ProblemException Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        new(400, "validation", "The request is not valid.", detail ?? "One or more fields are invalid; see errors.")
        {
            Errors = errors,
        };

    public static ProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemException BadRequest(string detail) => new(400, "bad-request", "The request is not valid.", detail);

    public static ProblemException NotFound(string detail) => new(404, "not-found", "Not found.", detail);

    public static ProblemException Conflict(string detail) => new(409, "conflict", "Conflict.", detail);

    /// <summary>412: the <c>If-Match</c> ETag is not the resource's any more (RFC 9110 §13.1.1); nothing was changed.</summary>
    public static ProblemException PreconditionFailed(string detail) => new(412, "precondition-failed", "Precondition failed.", detail);

    public static ProblemException Unauthorized(string detail, string challenge = "Bearer") =>
        new(401, "unauthorized", "Authentication required.", detail) { Challenge = challenge };

    public static ProblemException Forbidden(string typeSuffix, string detail) => new(403, typeSuffix, "Not allowed.", detail);

    public static ProblemException TooLarge(long limitBytes) =>
        new(413, "payload-too-large", "The request body is too large.", $"The body may be at most {limitBytes} bytes.");

    public static ProblemException TooManyRequests(string detail, int retryAfterSeconds) =>
        new(429, "rate-limited", "Too many requests.", detail) { RetryAfterSeconds = retryAfterSeconds };

    public static ProblemException StorageUnavailable() =>
        new(503, "storage-unavailable", "Service temporarily unavailable.",
            "Storage is not reachable right now. Retry after the time given in Retry-After.")
        {
            RetryAfterSeconds = 5,
        };
}
