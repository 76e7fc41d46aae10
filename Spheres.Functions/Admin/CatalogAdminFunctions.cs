using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Catalog;
using Spheres.Functions.Catalog;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Admin;

/// <summary>
/// Catalog upkeep for ops, behind the function key:
///   POST admin/catalog/reseed     write catalog.json to storage now
///   timer                          the same on Spheres:Catalog:ReseedSchedule
/// </summary>
public sealed class CatalogAdminFunctions(CatalogService catalog, ILogger<CatalogAdminFunctions> logger)
{
    [Function("ReseedCatalog")]
    [ApiOperation("admin", "Reseed the catalog from the seed file now. Idempotent; safe to run concurrently.",
        Description = "Function key. Overrides are kept; the catalog version goes up so every instance reloads within 30 seconds.")]
    [ApiResponse(200, "The catalog storage now holds.", Body = typeof(ReseedResultJson))]
    public Task<IActionResult> Reseed(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "admin/catalog/reseed")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var version = await catalog.ReseedAsync(cancellationToken);
            var seed = CatalogSeed.Snapshot;
            logger.LogInformation("Catalog reseeded on request; version {Version}", version);
            return ApiResponse.Json(new ReseedResultJson(version, seed.Spheres.Count, seed.IntegrationTypes.Count));
        });

    [Function("ReseedCatalogOnSchedule")]
    public async Task ReseedOnSchedule(
        [TimerTrigger("%Spheres:Catalog:ReseedSchedule%")] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        var version = await catalog.ReseedAsync(cancellationToken);
        logger.LogInformation("Catalog reseeded on schedule; version {Version}", version);
    }
}
