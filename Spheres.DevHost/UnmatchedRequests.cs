using Microsoft.AspNetCore.Routing;
using Spheres.Core.Problems;
using Spheres.Functions.Http;

namespace Spheres.DevHost;

/// <summary>
/// What a request that reaches no function gets: a 405 problem with <c>Allow</c> when the path is a
/// function's but the method is not, else a 404 problem, for every path (a last segment with a dot too). A path with a
/// control character is a 400 problem first, as it is in a function's route key: neither answer repeats it.
/// </summary>
internal static class UnmatchedRequests
{
    /// <summary>Runs after routing: our functions' endpoints carry a name; anything else is routing's own rejection.</summary>
    public static async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
        {
            await next(context);
            return;
        }
        if (Api.ControlCharacterProblem(context.Request) is { } refused)
        {
            await Api.ToResponse(refused).WriteAsync(context.Response);
            return;
        }
        if (endpoint?.RequestDelegate is { } rejection)
        {
            // Routing's 405 endpoint: it sets the status and the Allow header of the path's functions; we add the body.
            await rejection(context);
            if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
            {
                var allow = context.Response.Headers.Allow.ToString();
                await Api.ToResponse(new ProblemException(405, "method-not-allowed", "Method not allowed.",
                    $"{context.Request.Method} is not allowed on {context.Request.Path}; allowed: {allow}.")).WriteAsync(context.Response);
            }
            return;
        }
        await Api.ToResponse(ProblemException.NotFound(
            $"No endpoint at {context.Request.Method} {context.Request.Path}. The API is described at /api/openapi.json.")).WriteAsync(context.Response);
    }
}
