using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Catalog;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Functions.Catalog;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Admin;

public sealed record CatalogAuditJson(string What, string Action, JsonObject Before, JsonObject After, DateTimeOffset When, string Who)
{
    public static CatalogAuditJson From(CatalogAuditEntry e) =>
        new($"{(e.Kind == CatalogItemKind.Sphere ? "sphere" : "integration_type")}:{e.Slug}", e.Action, e.Before, e.After, e.At, e.Who);
}

public sealed record CatalogAuditPageJson(IReadOnlyList<CatalogAuditJson> Results, string? Next);

/// <summary>
/// Catalog administration for ops, behind the function key (no deploy needed):
///   GET    admin/catalog/spheres                               every sphere as served, with `overridden`
///   GET    admin/catalog/integration-types                     every type as served, with `overridden`
///   PATCH  admin/catalog/spheres/{slug}                        override fields; null puts one back
///   PATCH  admin/catalog/integration-types/{slug}
///   DELETE admin/catalog/spheres/{slug}/override               back to the seed's values
///   DELETE admin/catalog/integration-types/{slug}/override
///   GET    admin/catalog/audit                                 who changed what when, newest first, paged
/// </summary>
public sealed class CatalogOperationsFunctions(CatalogAdministration admin, ConnectionRequirements requirements, ILogger<CatalogOperationsFunctions> logger)
{
    private const string Tag = "admin";
    private const int MaxPageSize = PageCursors.MaxPageSize;

    [Function("AdminListSpheres")]
    [ApiOperation(Tag, "Every sphere as the public endpoints serve it (active or not), each with `overridden`: the fields an override sets.",
        Description = "Function key. Switched-off spheres are included.")]
    [ApiResponse(200, "The spheres, each also with overridden: [field…].", Body = typeof(SphereJson[]))]
    public Task<IActionResult> ListSpheres(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "admin/catalog/spheres")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () => ApiResponse.Json(SpheresJson(await admin.ReadAsync(cancellationToken))));

    [Function("AdminListIntegrationTypes")]
    [ApiOperation(Tag, "Every integration type as served (active or not), each with `overridden`.",
        Description = "Function key. Switched-off types are included; overridden lists the fields an override sets over the seed.")]
    [ApiResponse(200, "The types, each also with overridden: [field…].", Body = typeof(IntegrationTypeJson[]))]
    public Task<IActionResult> ListIntegrationTypes(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "admin/catalog/integration-types")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () => ApiResponse.Json(TypesJson(await admin.ReadAsync(cancellationToken))));

    [Function("AdminPatchSphere")]
    [ApiExample("Rename and recolour", """{"name":"Beauty & Wellness","color":"#E91E63"}""")]
    [ApiExample("Back to the seed's icon", """{"icon":null}""")]
    [ApiOperation(Tag, "Override a sphere's name, description, icon, color, is_active or order. A field sent as null goes back to the seed's value.",
        RequestBody = typeof(SpherePatchRequest), Description = "Overrides survive every reseed; the public endpoints show them within 30 s on every instance.")]
    [ApiHeader("X-Changed-By", "Who makes the change (name or email), kept in the audit trail.")]
    [ApiResponse(200, "The sphere as now served.", Body = typeof(SphereJson))]
    [ApiResponses(ApiResponseSet.CatalogPatchRejected, ApiResponseSet.UnknownSphereSlug)]
    [ApiResponse(413, "Body over 64 KB.")]
    public Task<IActionResult> PatchSphere(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "admin/catalog/spheres/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<JsonObject>(request, cancellationToken, 64 * 1024);
            var snapshot = await admin.PatchAsync(CatalogItemKind.Sphere, slug, body, Who(request), cancellationToken);
            logger.LogInformation("Catalog override of sphere {Slug}: {Fields}", slug, string.Join(",", body.Select(f => f.Key)));
            return ApiResponse.Json(OneSphere(snapshot, slug));
        });

    [Function("AdminPatchIntegrationType")]
    [ApiExample("Only in Ukraine and Poland", """{"available_countries":["UA","PL"]}""")]
    [ApiExample("Switch it off", """{"is_active":false,"order":90}""")]
    [ApiOperation(Tag, "Override an integration type's name, description, is_active, order or available_countries (ISO alpha-2 or GLOBAL). Null puts a field back.",
        RequestBody = typeof(IntegrationTypePatchRequest), Description = "A type switched off (is_active false) cannot be connected or activated; its integrations show why.")]
    [ApiHeader("X-Changed-By", "Who makes the change (name or email), kept in the audit trail.")]
    [ApiResponse(200, "The type as now served.", Body = typeof(IntegrationTypeJson))]
    [ApiResponses(ApiResponseSet.CatalogPatchRejected, ApiResponseSet.UnknownTypeSlug)]
    [ApiResponse(413, "Body over 64 KB.")]
    public Task<IActionResult> PatchIntegrationType(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = "admin/catalog/integration-types/{slug}")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadJsonAsync<JsonObject>(request, cancellationToken, 64 * 1024);
            var snapshot = await admin.PatchAsync(CatalogItemKind.IntegrationType, slug, body, Who(request), cancellationToken);
            logger.LogInformation("Catalog override of integration type {Slug}: {Fields}", slug, string.Join(",", body.Select(f => f.Key)));
            return ApiResponse.Json(OneType(snapshot, slug));
        });

    [Function("AdminResetSphere")]
    [ApiOperation(Tag, "Drop a sphere's override: it serves the seed's values again.",
        Description = "Function key. Every instance serves the seed's values within 30 seconds; the change is audited.")]
    [ApiResponse(200, "The sphere as now served.", Body = typeof(SphereJson))]
    [ApiResponses(ApiResponseSet.UnknownSphereSlug)]
    public Task<IActionResult> ResetSphere(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "admin/catalog/spheres/{slug}/override")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
            ApiResponse.Json(OneSphere(await admin.ResetAsync(CatalogItemKind.Sphere, slug, Who(request), cancellationToken), slug)));

    [Function("AdminResetIntegrationType")]
    [ApiOperation(Tag, "Drop an integration type's override: it serves the seed's values again.",
        Description = "Function key. Every instance serves the seed's values within 30 seconds; the change is audited.")]
    [ApiResponse(200, "The type as now served.", Body = typeof(IntegrationTypeJson))]
    [ApiResponses(ApiResponseSet.UnknownTypeSlug)]
    public Task<IActionResult> ResetIntegrationType(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "admin/catalog/integration-types/{slug}/override")] HttpRequest request,
        string slug,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
            ApiResponse.Json(OneType(await admin.ResetAsync(CatalogItemKind.IntegrationType, slug, Who(request), cancellationToken), slug)));

    [Function("AdminCatalogAudit")]
    [ApiOperation(Tag, "Catalog changes, newest first, paged: what, action, before, after, when, who.",
        Description = "Function key. Paged with limit and an opaque cursor from next; each entry names the operator from X-Changed-By, else the function key.")]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).", MinimumValue = 1, MaximumValue = MaxPageSize)]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(CatalogAuditPageJson))]
    [ApiResponses(ApiResponseSet.BadLimitOrCursor)]
    public Task<IActionResult> Audit(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "admin/catalog/audit")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var errors = new FieldErrors();
            var limit = PageCursors.Limit(request.Query, errors);
            var cursor = PageCursors.Decode(request.Query["cursor"].FirstOrDefault(), errors);
            errors.ThrowIfAny();
            var (page, next) = await admin.ListAuditAsync(limit, cursor, cancellationToken);
            var nextUrl = next is null ? null : $"/api/admin/catalog/audit/?limit={limit}&cursor={Uri.EscapeDataString(OpaqueText.Encode(next))}";
            return ApiResponse.Json(new CatalogAuditPageJson(page.Select(CatalogAuditJson.From).ToList(), nextUrl));
        });

    /// <summary>Who the audit names: the operator's own <c>X-Changed-By</c>, else "function key".</summary>
    private static string Who(HttpRequest request) => CatalogAdministration.Operator(request.Headers["X-Changed-By"].FirstOrDefault());

    private static JsonArray SpheresJson(CatalogSnapshot snapshot) =>
        new(snapshot.Spheres.Select(s => (JsonNode)WithOverridden(SphereJson.From(s), snapshot.OverriddenFields(CatalogItemKind.Sphere, s.Id))).ToArray());

    private JsonArray TypesJson(CatalogSnapshot snapshot) =>
        new(snapshot.IntegrationTypes.Select(t => (JsonNode)TypeJson(snapshot, t)).ToArray());

    private static JsonObject OneSphere(CatalogSnapshot snapshot, string slug)
    {
        var sphere = snapshot.Spheres.First(s => string.Equals(s.Slug, slug, StringComparison.OrdinalIgnoreCase));
        return WithOverridden(SphereJson.From(sphere), snapshot.OverriddenFields(CatalogItemKind.Sphere, sphere.Id));
    }

    private JsonObject OneType(CatalogSnapshot snapshot, string slug) =>
        TypeJson(snapshot, snapshot.FindType(slug)!);

    private JsonObject TypeJson(CatalogSnapshot snapshot, IntegrationType type) =>
        WithOverridden(IntegrationTypeJson.From(type, snapshot, requirements), snapshot.OverriddenFields(CatalogItemKind.IntegrationType, type.Id));

    /// <summary>The public JSON of an item plus the fields an override sets.</summary>
    private static JsonObject WithOverridden<T>(T item, IReadOnlyList<string> overridden)
    {
        var json = JsonSerializer.SerializeToNode(item, ApiJson.Options)!.AsObject();
        json["overridden"] = new JsonArray(overridden.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        return json;
    }
}

/// <summary>The fields a sphere override may set (the body is read field by field: a field sent as null goes back to the seed's value).</summary>
[ApiClosed(MinProperties = 1)]
public sealed record SpherePatchRequest(
    [property: ApiNullable, StringLength(CatalogOverride.MaxNameLength, MinimumLength = 1), RegularExpression(@"\S")] string? Name,
    [property: ApiNullable, StringLength(CatalogOverride.MaxDescriptionLength, MinimumLength = 1), RegularExpression(@"\S")] string? Description,
    [property: ApiNullable, RegularExpression(CatalogOverride.IconPatternText), ApiExamples("\"scissors\"", "\"heart-pulse\"", "null")] string? Icon,
    [property: ApiNullable, RegularExpression(CatalogOverride.ColorPatternText), ApiExamples("\"#E91E63\"", "\"#00aa88\"", "null")] string? Color,
    [property: ApiNullable] bool? IsActive,
    [property: ApiNullable, Range(0, CatalogOverride.MaxOrder)] int? Order);

/// <summary>The fields an integration-type override may set, read like <see cref="SpherePatchRequest"/>.</summary>
[ApiClosed(MinProperties = 1)]
public sealed record IntegrationTypePatchRequest(
    [property: ApiNullable, StringLength(CatalogOverride.MaxNameLength, MinimumLength = 1), RegularExpression(@"\S")] string? Name,
    [property: ApiNullable, StringLength(CatalogOverride.MaxDescriptionLength, MinimumLength = 1), RegularExpression(@"\S")] string? Description,
    [property: ApiNullable] bool? IsActive,
    [property: ApiNullable, Range(0, CatalogOverride.MaxOrder)] int? Order,
    [property: ApiNullable, MinLength(1), MaxLength(CatalogOverride.MaxCountries), ApiItemsPattern(@"^\s*([A-Za-z]{2}|[Gg][Ll][Oo][Bb][Aa][Ll])\s*$"), ApiExamples("[\"UA\",\"PL\"]", "[\"US\"]", "null"),
     Description("ISO 3166-1 alpha-2 codes, or [\"GLOBAL\"]; null: back to the seed's list.")] IReadOnlyList<string>? AvailableCountries);
