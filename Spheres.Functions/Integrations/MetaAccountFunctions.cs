using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.OAuth;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Integrations;

/// <summary>A page, Instagram account or WhatsApp number the owner's Facebook login may connect.</summary>
public sealed record MetaAccountJson(string AccountId, string Name);

/// <summary>The chosen account, by the account_id connect/accounts/ listed.</summary>
public sealed record SelectAccountRequest([property: Required, StringLength(32, MinimumLength = 1)] string? AccountId);

/// <summary>
/// Meta types after consent (bearer):
///   GET  integrations/api/{id}/connect/accounts   what the owner's login may connect
///   POST integrations/api/{id}/connect/select     route one of them (only one Graph listed)
/// </summary>
public sealed class MetaAccountFunctions(AccountSelection selection, AccessTokens tokens, ILogger<MetaAccountFunctions> logger)
{
    private const string Tag = "integrations";

    [Function("ListMetaAccounts")]
    [ApiOperation(Tag, "Meta types after consent: the pages, Instagram accounts or WhatsApp numbers your Facebook login may connect.",
        RequiresBearer = true, Description = "Read from Facebook each time, with the login the consent left.")]
    [ApiResponse(200, "The accounts.", Body = typeof(MetaAccountJson[]))]
    [ApiResponse(400, "Not a Meta type, or Facebook refused the login (status is then relink_required).")]
    [ApiResponse(409, "No Facebook login yet: POST connect/ first.")]
    [ApiResponses(ApiResponseSet.NotYours, ApiResponseSet.FacebookUnavailable)]
    public Task<IActionResult> ListAccounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/{id:int}/connect/accounts")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var choices = await selection.ListAsync(caller, id, cancellationToken);
            return ApiResponse.Json(choices.Select(c => new MetaAccountJson(c.AccountId, c.Name)).ToList());
        });

    [Function("SelectMetaAccount")]
    [ApiExample("A page", """{"account_id":"104857600123456"}""")]
    [ApiOperation(Tag, "Connect the account you chose: it must be one that connect/accounts/ lists.", RequestBody = typeof(SelectAccountRequest),
        RequiresBearer = true,
        Description = "Its own token replaces the Facebook login's; the integration claims the account and subscribes to its messages. " +
                      "To choose another account later, connect again.")]
    [ApiResponse(200, "Active.", Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponse(400, "account_id missing or not listed, or Facebook refused (status is then error or relink_required).")]
    [ApiResponse(409, "No Facebook login yet, the account is connected to another integration, or the integration changed meanwhile.")]
    [ApiResponses(ApiResponseSet.NotYours, ApiResponseSet.FacebookUnavailable)]
    public Task<IActionResult> SelectAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/connect/select")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<SelectAccountRequest>(request, cancellationToken);
            var view = await selection.SelectAsync(caller, id, body.AccountId, cancellationToken);
            return IntegrationFunctions.Answer(view);
        });
}
