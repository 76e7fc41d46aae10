using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Catalog;

/// <summary>
/// The public catalog: spheres and integration types, anonymous and cacheable.
///   GET accounts/spheres                      active spheres by order
///   GET accounts/spheres/{slug}               one active sphere
///   GET accounts/integration-types            active types, filters combine with AND
///   GET accounts/integration-types/{slug}     one active type
/// </summary>
public sealed class CatalogFunctions(CatalogService catalog, CatalogResponses responses, ConnectionRequirements requirements, ILogger<CatalogFunctions> logger)
{
    private const string Tag = "catalog";

    [Function("ListSpheres")]
    [ApiOperation(Tag, "List the active spheres, ordered by `order`.",
        Description = "Public and cached (ETag, max-age 300): the spheres a business picks at sign-up.")]
    [ApiResponse(200, "The spheres.", Body = typeof(SphereJson[]), Headers = ["ETag", "Cache-Control"])]
    [ApiResponses(ApiResponseSet.NotModified)]
    public Task<IActionResult> ListSpheres(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/spheres")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var snapshot = await catalog.GetAsync(cancellationToken);
            return responses.Answer(request, snapshot, "spheres",
                () => CatalogService.ActiveSpheres(snapshot).Select(SphereJson.From).ToList());
        });

    [Function("GetSphere")]
    [ApiOperation(Tag, "One active sphere by slug.",
        Description = "Public and cached (ETag, max-age 300); 404 for a slug that is unknown or switched off.")]
    [ApiResponse(200, "The sphere.", Body = typeof(SphereJson), Headers = ["ETag", "Cache-Control"])]
    [ApiResponse(404, "No active sphere has this slug.")]
    [ApiResponses(ApiResponseSet.NotModified)]
    public Task<IActionResult> GetSphere(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/spheres/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var snapshot = await catalog.GetAsync(cancellationToken);
            var sphere = snapshot.FindActiveSphere(slug) ?? throw ProblemException.NotFound($"No active sphere has the slug '{slug}'.");
            return responses.Answer(request, snapshot, "sphere:" + sphere.Slug, () => SphereJson.From(sphere));
        });

    [Function("ListIntegrationTypes")]
    [ApiOperation(Tag, "List the active integration types, ordered by `order`. Filters combine with AND.",
        Description = "Public and cached (ETag, max-age 300). The filters sphere_id, sphere_slug, country and integration_type narrow the list together; each type carries the connect block its form is drawn from.")]
    [ApiQuery("sphere_id", typeof(int), "Only types offered in this sphere (general types are offered in every sphere); an id of GET /api/accounts/spheres/, else 400.", MinimumValue = 1, MaximumValue = 999_999_999, Examples = ["1", "2", "3"])]
    [ApiQuery("sphere_slug", typeof(string), "Like sphere_id, by slug (a slug of GET /api/accounts/spheres/, else 400); when both are given they must name the same sphere.", Pattern = "^[a-z0-9-]{1,50}$", Examples = ["general", "beauty", "health"])]
    [ApiQuery("country", typeof(string), "ISO 3166-1 alpha-2: types available there (or worldwide); a code ISO assigns, else 400.", Pattern = "^\\s*[A-Za-z]{2}\\s*$", Examples = ["UA", "PL", "DE"])]
    [ApiQuery("integration_type", typeof(string), "A kind of the catalog's types, such as messenger, booking, medical_booking; else 400.", Pattern = "^[a-z_]{1,50}$", Examples = ["messenger", "booking", "medical_booking"])]
    [ApiResponse(200, "The types.", Body = typeof(IntegrationTypeJson[]), Headers = ["ETag", "Cache-Control"])]
    [ApiResponse(400, "A filter names an unknown sphere, country or kind.")]
    [ApiResponses(ApiResponseSet.NotModified)]
    public Task<IActionResult> ListIntegrationTypes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/integration-types")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var snapshot = await catalog.GetAsync(cancellationToken);
            var filter = CatalogService.ResolveFilter(snapshot, new IntegrationTypeFilter(
                Query(request, "sphere_id"), Query(request, "sphere_slug"), Query(request, "country"), Query(request, "integration_type")));
            // Keyed by the validated filter, never the raw query: spelling variants share one answer.
            return responses.Answer(request, snapshot, "types:" + filter.Key,
                () => CatalogService.FilterTypes(snapshot, filter).Select(t => IntegrationTypeJson.From(t, snapshot, requirements)).ToList());
        });

    [Function("GetIntegrationType")]
    [ApiOperation(Tag, "One active integration type by slug.",
        Description = "Public and cached (ETag, max-age 300); 404 for a slug that is unknown or switched off.")]
    [ApiResponse(200, "The type.", Body = typeof(IntegrationTypeJson), Headers = ["ETag", "Cache-Control"])]
    [ApiResponse(404, "No active type has this slug.")]
    [ApiResponses(ApiResponseSet.NotModified)]
    public Task<IActionResult> GetIntegrationType(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/integration-types/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var snapshot = await catalog.GetAsync(cancellationToken);
            var type = snapshot.FindActiveType(slug) ?? throw ProblemException.NotFound($"No active integration type has the slug '{slug}'.");
            return responses.Answer(request, snapshot, "type:" + type.Slug, () => IntegrationTypeJson.From(type, snapshot, requirements));
        });

    /// <summary>A query value, or null when absent; an empty value counts as given (and is then invalid).</summary>
    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) ? values.ToString().Trim() : null;
}
