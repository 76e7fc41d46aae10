using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.OAuth;
using Spheres.Core.Problems;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.OAuth;

/// <summary>Where to send the owner to consent (valid until expires_at, once).</summary>
public sealed record AuthorizationJson(string AuthorizationUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// OAuth consent (API.md "OAuth connect"):
///   POST integrations/api/{id}/connect     bearer; the provider's authorization URL for one of the caller's OAuth integrations
///   GET  oauth/{provider}/callback         anonymous; the browser back from consent, always redirected to the frontend
/// </summary>
public sealed class OAuthFunctions(OAuthConnect connect, OAuthCallback callback, AccessTokens tokens, ILogger<OAuthFunctions> logger)
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
        Description = "Always a 302 to {FrontendBaseUrl}/integrations: ?connected={id}, or ?error={code} with &integration={id} once the state was " +
                      "valid. Codes: access_denied, provider_error, invalid_state, expired_state, invalid_request, integration_gone, exchange_failed, " +
                      "identity_failed, conflict, push_failed, temporarily_unavailable, internal.")]
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

    /// <summary>A parameter given exactly once; repeated or absent is null.</summary>
    private static string? Single(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
