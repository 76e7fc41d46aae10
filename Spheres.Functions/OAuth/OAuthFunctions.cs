using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.OAuth;
using Spheres.Core.Problems;
using Spheres.Functions.Http;
using Spheres.Functions.Integrations;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.OAuth;

/// <summary>Where to send the owner to consent (valid until expires_at, once).</summary>
public sealed record AuthorizationJson(string AuthorizationUrl, DateTimeOffset ExpiresAt);

/// <summary>The confirm code the callback's redirect carried (<c>?confirm=…</c>).</summary>
public sealed record ConfirmConsentRequest([property: System.ComponentModel.DataAnnotations.Required,
    System.ComponentModel.DataAnnotations.StringLength(64, MinimumLength = 1)] string? Code);

/// <summary>
/// OAuth consent (API.md "OAuth connect"):
///   POST integrations/api/{id}/connect     bearer; the provider's authorization URL for one of the caller's OAuth integrations
///   GET  oauth/{provider}/callback         anonymous; the browser back from consent, always redirected to the frontend
///   POST integrations/api/{id}/connect/confirm   bearer; attaches the consent kept aside, for the tenant that started it only
/// </summary>
public sealed class OAuthFunctions(OAuthConnect connect, OAuthCallback callback, OAuthConfirm confirm, AccessTokens tokens, ILogger<OAuthFunctions> logger)
{
    [Function("ConnectIntegration")]
    [ApiOperation("integrations", "Start OAuth consent for an integration: the provider's authorization URL to send the owner to.", RequiresBearer = true,
        Description = "The URL carries our client_id, the type's least-privilege scopes, redirect_uri {PublicBaseUrl}/api/oauth/{provider}/callback/, " +
                      "a single-use state valid 10 minutes (a new connect replaces the previous one) and, where the provider supports it, " +
                      "a PKCE S256 code_challenge.")]
    [ApiResponse(200, "The authorization URL and until when it works.", Body = typeof(AuthorizationJson))]
    [ApiResponse(400, "The integration's type is not connected by OAuth (not-oauth).")]
    [ApiResponse(403, "The type is not of your sphere or not in your plan.")]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Connect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/connect")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var start = await connect.StartAsync(caller, id, cancellationToken);
            return ApiResponse.Json(new AuthorizationJson(start.AuthorizationUrl, start.ExpiresAt)).WithHeader("Cache-Control", "no-store");
        });

    [Function("OAuthCallback")]
    [ApiOperation("integrations", "Where providers send the owner back after consent (google, meta, zoom, calendly, square, zocdoc).", NoStorage = true,
        Description = "Always a 302 to {FrontendBaseUrl}/integrations: ?confirm={code}&integration={id} once the consent's tokens are kept aside " +
                      "(POST connect/confirm/ attaches them, for the tenant that started the connect only, within 10 minutes), or ?error={code} with " +
                      "&integration={id} once the state was valid. Codes: access_denied, provider_error, invalid_state, expired_state, invalid_request, " +
                      "integration_gone, exchange_failed, temporarily_unavailable, internal.")]
    [ApiQuery("code", typeof(string), "The authorization code.")]
    [ApiQuery("state", typeof(string), "The state the connect issued.")]
    [ApiQuery("error", typeof(string), "Set by the provider instead of code when consent was not given.")]
    [ApiResponse(302, "To the frontend, with the outcome.", Headers = ["Location"])]
    [ApiResponse(404, "Not one of the six providers.")]
    [ApiResponse(503, "Spheres:FrontendBaseUrl is not configured (not-configured).")]
    public Task<IActionResult> Callback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "oauth/{provider}/callback")] HttpRequest request,
        string provider,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var parameters = new CallbackParameters(Single(request, "code"), Single(request, "state"), Single(request, "error"));
            var location = await callback.CompleteAsync(provider, parameters, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status302Found).WithHeader("Location", location).WithHeader("Cache-Control", "no-store")
                .WithHeader("Referrer-Policy", "no-referrer");
        });

    [Function("ConfirmConsent")]
    [ApiExample("The code from the redirect", """{"code":"Zx3pQ8mN2vR7tL1kW9sD4fG6hJ0aB5cE8yU2iO7qT3w"}""")]
    [ApiOperation("integrations", "Attach the consent the callback kept aside: the code from its redirect (?confirm=…), once, within 10 minutes.",
        RequestBody = typeof(ConfirmConsentRequest), RequiresBearer = true,
        Description = "Only the tenant that started the connect can confirm it, for that integration: the account's identity is read, its route " +
                      "claimed and its push set up (Meta: then choose the account with connect/accounts/ and connect/select/). Anyone else gets 404 " +
                      "and the consent is revoked at the provider. A consent nobody confirms is revoked when it expires.")]
    [ApiResponse(200, "Connected (status active, pending for a Meta account choice, or error when the provider refused its push: status_detail says why).",
        Body = typeof(IntegrationJson), Headers = ["ETag"])]
    [ApiResponse(400, "code missing, or the provider refused the new tokens (nothing was stored).")]
    [ApiResponse(403, "The type is not of your sphere or not in your plan any more (the consent is revoked).")]
    [ApiResponse(404, "No such integration of yours, or the code is unknown, used, expired or not yours (the consent is then revoked).")]
    [ApiResponse(409, "The account is connected to another integration, or the integration changed meanwhile.")]
    [ApiResponse(413, "Body over 4 KB.")]
    [ApiResponse(502, "The provider did not answer.")]
    public Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/connect/confirm")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<ConfirmConsentRequest>(request, cancellationToken, 4 * 1024);
            return IntegrationFunctions.Answer(await confirm.ConfirmAsync(caller, id, body.Code, cancellationToken));
        });

    /// <summary>A parameter given exactly once; repeated or absent is null.</summary>
    private static string? Single(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
