using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Accounts;

/// <summary>
/// Accounts:
///   POST  accounts/register    create tenant + owner, returns a token        (anonymous)
///   POST  accounts/login       a token for email + password; 429 when locked (anonymous)
///   GET   accounts/profile     the caller's tenant profile                   (bearer)
///   PATCH accounts/profile     change sphere, business name, timezone, country (bearer)
///   GET   accounts/usage       messages used this month against the plan     (bearer)
/// </summary>
public sealed class AccountFunctions(
    AccountService accounts, ProfileService profiles, AccessTokens tokens, CatalogService catalog, SignInRateLimit signInLimit,
    ILogger<AccountFunctions> logger)
{
    private const string Tag = "accounts";

    [Function("Register")]
    [ApiExample("A salon in Kyiv", """{"email":"owner@example.com","password":"correct horse battery","name":"Olena","business_name":"Olena's Salon","sphere_slug":"beauty","timezone":"Europe/Kyiv","country":"UA"}""")]
    [ApiExample("A sphere by id", """{"email":"clinic@example.com","password":"a long passphrase","name":"Dr. Nowak","sphere_id":3}""")]
    [ApiOperation(Tag, "Create an account: the tenant, its owner and profile. Returns an access token and a refresh token.", RequestBody = typeof(RegisterRequest),
        Description = "Give sphere_id or sphere_slug (an active sphere); sphere_id may be a number or its digits as a string. business_name defaults to name. " +
                      "timezone is an IANA id, default UTC; country ISO 3166-1 alpha-2. Passwords need 8+ characters.")]
    [ApiResponse(201, "Created.", Body = typeof(RegistrationJson))]
    [ApiResponse(400, "Invalid fields; errors names each one.")]
    [ApiResponse(409, "An account with this email exists.")]
    [ApiResponses(ApiResponseSet.BodyOver1Mb, ApiResponseSet.SignInRateLimit)]
    public Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/register")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            signInLimit.Check(request);
            var body = await RequestBody.ReadJsonAsync<RegisterRequest>(request, cancellationToken);
            var registration = await accounts.RegisterAsync(body.ToInput(), cancellationToken);
            var snapshot = await catalog.GetAsync(cancellationToken);
            var (user, tokens) = (registration.User, registration.Tokens);
            return ApiResponse.Json(new RegistrationJson(
                tokens.Access.AccessToken, IssuedToken.TokenType, tokens.Access.ExpiresInSeconds, tokens.RefreshToken,
                UserJson.From(user), ProfileJson.From(registration.Profile, user, snapshot)), StatusCodes.Status201Created);
        });

    [Function("Login")]
    [ApiExample("Sign in", """{"email":"owner@example.com","password":"my account password"}""")]
    [ApiOperation(Tag, "Sign in with email and password: a short access token, a refresh token and the user.", RequestBody = typeof(LoginRequest),
        Description = "Five wrong passwords for one email from one address within 15 minutes are refused before the password is checked (429); the per-address limit of the sign-in endpoints applies too.")]
    [ApiResponse(200, "Signed in.", Body = typeof(LoginJson))]
    [ApiResponse(400, "Email or password missing.")]
    [ApiResponse(401, "Wrong email or password.")]
    [ApiResponse(429, "5 sign-in attempts for this email from this address within 15 minutes, many attempts for this email from everywhere " +
                      "(slowed), or too many requests from this address; wait Retry-After seconds.")]
    public Task<IActionResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/login")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            signInLimit.Check(request);
            var body = await RequestBody.ReadJsonAsync<LoginRequest>(request, cancellationToken);
            return ApiResponse.Json(LoginJson.From(await accounts.LoginAsync(body.Email, body.Password, signInLimit.ClientOf(request), cancellationToken)));
        });

    [Function("GetProfile")]
    [ApiOperation(Tag, "The caller's profile, with the signed-in user's email and name. One storage request.", RequiresBearer = true,
        Description = "Sphere, business name, time zone, country and plan, with the user's email and name; the ETag is what PATCH takes as If-Match.")]
    [ApiResponse(200, "The profile.", Body = typeof(ProfileJson), Headers = ["ETag"])]
    public Task<IActionResult> GetProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/profile")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var (profile, user) = await profiles.GetWithUserAsync(caller, cancellationToken);
            return await ProfileResponseAsync(profile, user, cancellationToken);
        });

    [Function("UpdateProfile")]
    [ApiExample("Move to Poland", """{"timezone":"Europe/Warsaw","country":"PL"}""")]
    [ApiExample("Rename the business", """{"business_name":"Studio Olena"}""")]
    [ApiOperation(Tag, "Change sphere (sphere_id or sphere_slug), business_name, timezone or country. Omitted fields stay.",
        RequestBody = typeof(ProfilePatchRequest), RequiresBearer = true,
        Description = "Changing the sphere deletes nothing: integrations outside the new sphere stay, marked unavailable.")]
    [ApiHeader("If-Match", "The ETag of the profile you read; a stale one is 412.")]
    [ApiResponse(200, "The updated profile.", Body = typeof(ProfileJson), Headers = ["ETag"])]
    [ApiResponse(400, "Invalid fields.")]
    [ApiResponses(ApiResponseSet.StaleIfMatch)]
    public Task<IActionResult> UpdateProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "accounts/profile")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<ProfilePatchRequest>(request, cancellationToken);
            var ifMatch = EntityTags.IfMatch(request);
            var profile = await profiles.UpdateAsync(caller, body.ToChanges(), ifMatch, cancellationToken);
            return await ProfileResponseAsync(profile, await profiles.GetUserAsync(caller, cancellationToken), cancellationToken);
        });

    [Function("GetUsage")]
    [ApiOperation(Tag, "Messages handed to the AI agent this calendar month (UTC) against the plan's limit.", RequiresBearer = true,
        Description = "The period is the calendar month in UTC; only messages handed to the agent count, the others are stored all the same.")]
    [ApiResponse(200, "Usage.", Body = typeof(UsageJson))]
    public Task<IActionResult> GetUsage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/usage")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return ApiResponse.Json(UsageJson.From(await profiles.GetUsageAsync(caller, cancellationToken)));
        });

    private async Task<ApiResponse> ProfileResponseAsync(TenantProfile profile, UserAccount user, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var response = ApiResponse.Json(ProfileJson.From(profile, user, snapshot));
        return profile.ETag is { } etag ? response.WithHeader("ETag", EntityTags.ToHttp(etag)) : response;
    }
}
