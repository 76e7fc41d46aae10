using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Spheres.Functions.Http;

namespace Spheres.Functions.OpenApi;

public sealed class OpenApiFunctions
{
    [Function("OpenApiDocument")]
    [ApiOperation("meta", "This API's OpenAPI 3.1 document.", NoStorage = true,
        Description = "Generated from the functions themselves, so it cannot drift from the API; public and cached for 5 minutes.")]
    [ApiResponse(200, "The document.")]
    public IActionResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        ApiResponse.JsonBytes(OpenApiDocument.Utf8).WithHeader("Cache-Control", "public, max-age=300");
}
