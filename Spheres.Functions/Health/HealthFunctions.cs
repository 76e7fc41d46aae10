using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Problems;
using Spheres.Core.Storage;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Health;

public sealed record HealthJson([property: AllowedValues("ok")] string Status);

/// <summary>
/// The health check (the Function App's health check path in Bicep, and any load balancer's probe):
///   GET health    200 {status:"ok"} when storage answers, 503 storage-unavailable otherwise    (anonymous)
/// </summary>
public sealed class HealthFunctions(StorageHealth health, ILogger<HealthFunctions> logger)
{
    [Function("Health")]
    [ApiOperation("meta", "Whether this instance reaches its storage (Table and Queue services).",
        Description = "For the platform's health probe: 200 when both storage services answered within 3 seconds, else 503 with Retry-After. " +
                      "The answer is shared for 5 seconds per instance; it never says what failed.")]
    [ApiResponse(200, "Storage answers.", Body = typeof(HealthJson), Headers = ["Cache-Control"])]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () => await health.IsHealthyAsync(cancellationToken)
            ? ApiResponse.Json(new HealthJson("ok")).WithHeader("Cache-Control", "no-store")
            : throw ProblemException.StorageUnavailable());
}
