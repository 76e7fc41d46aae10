using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Problems;
using Spheres.Core.Connections;
using Spheres.Core.Integrations;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Integrations;

/// <summary>
/// The tenant's integrations (bearer token; ids are the tenant's own):
///   GET    integrations/api                      list; ?status= filters
///   GET    integrations/api/available            the types of the caller's sphere, with availability
///   POST   integrations/api                      connect a type
///   GET    integrations/api/{id}                 one (with ETag)
///   PUT    integrations/api/{id}                 replace settings and, when given, credentials (If-Match)
///   PATCH  integrations/api/{id}                 change only the settings keys and credentials named (If-Match)
///   DELETE integrations/api/{id}                 disconnect and delete, secrets included
///   POST   integrations/api/{id}/activate        -> active (provider set up)
///   POST   integrations/api/{id}/deactivate      -> inactive
/// </summary>
public sealed class IntegrationFunctions(
    IntegrationViews views, CreateIntegration creation, ChangeIntegration change, DeleteIntegration deletion, ActivateIntegration activation,
    DeactivateIntegration deactivation, CatalogService catalog, ConnectionRequirements requirements, AccessTokens tokens, ILogger<IntegrationFunctions> logger)
{
    private const string Tag = "integrations";

    [Function("ListIntegrations")]
    [ApiOperation(Tag, "The tenant's integrations, by id.", RequiresBearer = true,
        Description = "Every integration of the tenant, each with status, status_detail when it is not active, whether the plan and sphere allow it now, and its webhook URL; credentials are never returned.")]
    [ApiQuery("status", typeof(string), "Only integrations in this status.", Enum = ["pending", "active", "inactive", "error", "relink_required"])]
    [ApiResponse(200, "The integrations.", Body = typeof(IntegrationJson[]))]
    [ApiResponse(400, "status is empty or not a status.")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            IntegrationStatus? status = null;
            if (request.Query.TryGetValue("status", out var raw))
            {
                status = IntegrationStatusNames.TryParse(raw.ToString(), out var parsed) ? parsed
                    : throw ProblemException.Validation("status", $"Give one of: {string.Join(", ", IntegrationStatusNames.All)}.");
            }
            var list = await views.ListAsync(caller, cancellationToken, status);
            return ApiResponse.Json(list.Select(IntegrationJson.From).ToList());
        });

    [Function("ListAvailableIntegrations")]
    [ApiOperation(Tag, "The \"Available Integrations\" tab: the types of your sphere, those of your country first.", RequiresBearer = true,
        Description = "Each is the integration type JSON plus is_available, unavailable_reason (plan-required or country), required_plan " +
                      "(the cheapest plan that unlocks it) and integration_id (yours of this type, or null).")]
    [ApiResponse(200, "The types.", Body = typeof(AvailableIntegrationJson[]))]
    public Task<IActionResult> ListAvailable(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/available")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var available = await views.AvailableAsync(caller, cancellationToken);
            var snapshot = await catalog.GetAsync(cancellationToken);
            return ApiResponse.Json(available.Select(a => AvailableIntegrationJson.From(a, snapshot, requirements)).ToList());
        });

    [Function("CreateIntegration")]
    [ApiExample("A Telegram bot", """{"integration_type_slug":"telegram","settings":{"greeting":"Вітаємо!"},"credentials":{"bot_token":"123456789:AAEabcdefghijabcdefghijabcdefghijabcdefghij"}}""")]
    [ApiOperation(Tag, "Connect an integration type (by integration_type_slug or integration_type_id), with optional settings and credentials.",
        RequestBody = typeof(IntegrationCreateRequest), RequiresBearer = true,
        Description = "Starts as pending. Credentials are stored in the vault and never returned. One integration per type.")]
    [ApiResponse(201, "Created.", Body = typeof(IntegrationJson), Headers = ["ETag", "Location"])]
    [ApiResponse(400, "Unknown type, or invalid settings or credentials (errors names the field, never its value).")]
    [ApiResponse(403, "The type is not of your sphere (sphere-mismatch) or not in your plan (plan-required).")]
    [ApiResponse(409, "You already have an integration of this type.")]
    [ApiResponses(ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<IntegrationCreateRequest>(request, cancellationToken);
            var view = await creation.CreateAsync(caller, body.ToInput(), cancellationToken);
            return Answer(view, StatusCodes.Status201Created).WithHeader("Location", $"/api/integrations/api/{view.Integration.Id}/");
        });

    [Function("GetIntegration")]
    [ApiOperation(Tag, "One integration.", RequiresBearer = true,
        Description = "The integration with its ETag, which PUT and PATCH take as If-Match.")]
    [ApiResponse(200, "The integration.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return Answer(await views.GetAsync(caller, id, cancellationToken));
        });

    [Function("ReplaceIntegration")]
    [ApiExample("New settings", """{"settings":{"greeting":"Hello!"}}""")]
    [ApiOperation(Tag, "Replace settings (when given) and credentials (when given).", RequestBody = typeof(IntegrationRequest), RequiresBearer = true,
        Description = "Changing the credentials or the routing setting of an active integration puts it back to pending: activate again.")]
    [ApiHeader("If-Match", "The ETag you read; a stale one is 412.")]
    [ApiResponse(200, "The integration.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponse(400, "Invalid settings or credentials.")]
    [ApiResponses(ApiResponseSet.NotYours, ApiResponseSet.StaleIfMatch)]
    public Task<IActionResult> Replace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "integrations/api/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<IntegrationRequest>(request, cancellationToken);
            return Answer(await change.ReplaceAsync(caller, id, body.ToInput(), EntityTags.IfMatch(request), cancellationToken));
        });

    [Function("PatchIntegration")]
    [ApiExample("Clear the greeting", """{"settings":{"greeting":null}}""")]
    [ApiOperation(Tag, "Change only what the body names: settings keys (null clears one) and credentials.", RequestBody = typeof(IntegrationRequest),
        RequiresBearer = true, Description = "Changing the credentials or the routing setting of an active integration puts it back to pending: activate again.")]
    [ApiHeader("If-Match", "The ETag you read; a stale one is 412.")]
    [ApiResponse(200, "The integration.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponse(400, "Invalid settings or credentials, an unknown settings key, or another type named.")]
    [ApiResponses(ApiResponseSet.NotYours, ApiResponseSet.StaleIfMatch)]
    public Task<IActionResult> Patch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "integrations/api/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<IntegrationRequest>(request, cancellationToken);
            return Answer(await change.ReplaceAsync(caller, id, body.ToInput(), EntityTags.IfMatch(request), cancellationToken, mergeSettings: true));
        });

    [Function("DeleteIntegration")]
    [ApiOperation(Tag, "Disconnect (Telegram's webhook removed, routes freed) and delete, with its credentials.", RequiresBearer = true,
        Description = "The row goes first; then the provider is told to stop (Telegram's webhook, Google's channels, Meta's subscription) and the OAuth grant is revoked where the provider offers it; secrets and working hours are deleted.")]
    [ApiResponses(ApiResponseSet.Deleted, ApiResponseSet.NotYours)]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "integrations/api/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            await deletion.DeleteAsync(caller, id, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });

    [Function("ActivateIntegration")]
    [ApiOperation(Tag, "Activate: Telegram checks the token and sets the webhook; Meta channels claim their account id.", RequiresBearer = true,
        Description = "The provider is set up with the stored credentials: Telegram's getMe and setWebhook, the account the provider names for Meta, Zoom, Square and Calendly (routed only if no other integration holds it), Google Calendar's channel. A refusal leaves status error with the reason.")]
    [ApiResponse(200, "Active.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponse(400, "Required credentials or settings missing, or the provider refused them (status is then error).")]
    [ApiResponse(403, "Not available in your sphere or plan any more.")]
    [ApiResponse(409, "The account id is connected to another integration.")]
    [ApiResponse(502, "The provider did not answer (status is then error).")]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Activate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/activate")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return Answer(await activation.ActivateAsync(caller, id, cancellationToken));
        });

    [Function("DeactivateIntegration")]
    [ApiOperation(Tag, "Deactivate: messages are no longer handed to the agent.", RequiresBearer = true,
        Description = "Messages still arrive and are stored as inactive; Telegram's webhook is removed. Activate again to resume.")]
    [ApiResponse(200, "Inactive.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Deactivate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/deactivate")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return Answer(await deactivation.DeactivateAsync(caller, id, cancellationToken));
        });

    internal static ApiResponse Answer(IntegrationView view, int status = StatusCodes.Status200OK)
    {
        var response = ApiResponse.Json(IntegrationJson.From(view), status);
        return view.Integration.ETag is { } etag ? response.WithHeader("ETag", EntityTags.ToHttp(etag)) : response;
    }
}
