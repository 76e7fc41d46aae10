using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Functions.Http;

/// <summary>
/// The one place where failures become HTTP answers: problems as RFC 9457 bodies, storage
/// outages as 503 with Retry-After, anything unexpected as a bare 500. No stack trace leaves
/// the process, in a response or a log line.
/// </summary>
public static class Api
{
    public static async Task<IActionResult> RunAsync(HttpRequest request, ILogger logger, Func<Task<ApiResponse>> handler)
    {
        var aborted = request.HttpContext.RequestAborted;
        try
        {
            if (ControlCharacterProblem(request) is { } refused) throw refused;
            return await handler().ConfigureAwait(false);
        }
        catch (ProblemException problem)
        {
            if (problem.Status >= 500)
            {
                logger.LogWarning("{Method} {Path} answered {Status}: {Detail}", request.Method, request.Path, problem.Status, problem.Detail);
            }
            return ToResponse(problem);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return ApiResponse.Empty(499); // the client went away; nobody reads this
        }
        catch (CredentialVaultException e)
        {
            logger.LogWarning("{Method} {Path}: credential vault failed: {Reason}", request.Method, request.Path, e.Message);
            return ToResponse(new ProblemException(503, "vault-unavailable", "Service temporarily unavailable.",
                "The credential vault did not answer; nothing was changed. Retry after the time given in Retry-After.") { RetryAfterSeconds = 5 });
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e, aborted))
        {
            logger.LogWarning("{Method} {Path}: storage unavailable ({Error})", request.Method, request.Path, e.GetType().Name);
            return ToResponse(ProblemException.StorageUnavailable());
        }
        catch (Exception e)
        {
            logger.LogError("{Method} {Path} failed: {Error} (status {Status}) in {Site}", request.Method, request.Path, e.GetType().FullName,
                (e as Azure.RequestFailedException)?.Status,
                e.TargetSite is { } site ? site.DeclaringType?.FullName + "." + site.Name : "unknown");
            return ApiResponse.Problem(new ProblemBody(ProblemException.TypeBase + "internal", "Internal error.", 500,
                "Something went wrong on our side. Try again; if it keeps failing, contact support."));
        }
    }

    /// <summary>
    /// A tenant-scoped handler: the caller comes from the bearer token (401 otherwise), never from the request. A request
    /// that may write has its session checked in storage, not in the short cache reads use.
    /// </summary>
    public static Task<IActionResult> RunAsCallerAsync(HttpRequest request, AccessTokens tokens, ILogger logger, Func<Caller, Task<ApiResponse>> handler) =>
        RunAsync(request, logger, async () => await handler(await tokens.AuthenticateAsync(Bearer.Of(request),
            fresh: !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method), request.HttpContext.RequestAborted).ConfigureAwait(false))
            .ConfigureAwait(false));

    /// <summary>
    /// A route key holding a control character (<c>/api/reviews/a%01b</c>) is refused before anything else, tokens and storage
    /// included: no id, slug or key has one. DevHost gives a path no function matches the same answer (UnmatchedRequests).
    /// The value is not repeated. On DevHost <c>%00</c> arrives as <c>%01</c>; Kestrel alone refuses it with an empty 400
    /// (docs/openapi.md).
    /// </summary>
    public static ProblemException? ControlCharacterProblem(HttpRequest request)
    {
        var field = request.RouteValues.FirstOrDefault(r => r.Value is string text && text.Any(char.IsControl)).Key
            ?? (request.Path.Value?.Any(char.IsControl) == true ? "path" : null);
        return field is null ? null : ProblemException.Validation(field, "A path may not hold control characters (U+0000–U+001F, U+007F–U+009F).");
    }

    public static ApiResponse ToResponse(ProblemException problem)
    {
        var response = ApiResponse.Problem(new ProblemBody(problem.Type, problem.Title, problem.Status, problem.Detail, problem.Errors, problem.RequiredPlan));
        if (problem.Challenge is { } challenge)
        {
            response.WithHeader("WWW-Authenticate", challenge);
        }
        if (problem.RetryAfterSeconds is { } seconds)
        {
            response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return response;
    }
}
