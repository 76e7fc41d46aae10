using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Operations;
using Spheres.Core.Storage;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Accounts;

/// <summary>
///   GET accounts/export     everything the tenant has, as one JSON document, streamed   (bearer)
/// </summary>
/// <summary>The export's shape, for the OpenAPI document; the document itself is written as it is read (AccountExport).</summary>
public sealed record AccountExportJson(
    string Format,
    DateTimeOffset ExportedAt,
    System.Text.Json.Nodes.JsonObject Profile,
    System.Text.Json.Nodes.JsonObject User,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> Integrations,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> WorkingHours,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> WorkingHoursExceptions,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> Messages,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject>? Reviews);

public sealed class AccountExportFunctions(AccountExport export, AccessTokens tokens, TimeProvider time, ILogger<AccountExportFunctions> logger)
{
    [Function("ExportAccount")]
    [ApiOperation("accounts", "Everything the account has, as one JSON document: profile, user, integrations (without credentials), " +
        "working hours and exceptions, messages, integration events, reviews.", RequiresBearer = true,
        Description = "Streamed as it is read; a failure half way breaks the download rather than ending it early.")]
    [ApiResponse(200, "The export (a download, Content-Disposition: attachment).", Body = typeof(AccountExportJson))]
    [ApiResponses(ApiResponseSet.AccountGone)]
    public Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/export")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var (profile, user) = await export.PrepareAsync(caller, cancellationToken);
            var fileName = $"spheres-export-{time.GetUtcNow():yyyy-MM-dd}.json";
            return ApiResponse.Streamed(ApiResponse.JsonContentType, async (response, aborted) =>
            {
                try
                {
                    await using var json = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder });
                    await export.WriteAsync(profile, user, json, aborted);
                }
                catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
                {
                    logger.LogWarning("Export of tenant {TenantId} broke off: {Error}{Outage}", caller.TenantId, e.GetType().Name,
                        StorageFailures.IsUnavailable(e, aborted) ? " (storage unavailable)" : "");
                    response.HttpContext.Abort();
                }
            }).WithHeader("Content-Disposition", $"attachment; filename=\"{fileName}\"").WithHeader("Cache-Control", "no-store");
        });
}
