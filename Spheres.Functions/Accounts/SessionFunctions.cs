using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Plans;
using Spheres.Core.Storage;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Accounts;

/// <summary>
/// Sessions, passwords and plans:
///   POST accounts/token/refresh            a new token pair for a refresh token (spent)      (anonymous)
///   POST accounts/logout                   end the session of a refresh token                (bearer)
///   POST accounts/password                 change the password; other sessions end          (bearer)
///   POST accounts/password/reset           mail a reset link; 202 whoever asks               (anonymous)
///   queue password-reset-mail              makes the link's token and sends the mail
///   POST accounts/password/reset/confirm   set a new password with the link's token         (anonymous)
///   GET  accounts/plans                    the plans and what they unlock                    (anonymous)
/// </summary>
public sealed class SessionFunctions(
    SessionService sessions, PasswordService passwords, PasswordResetMailer resets, AccessTokens tokens, SignInRateLimit signInLimit,
    ILogger<SessionFunctions> logger)
{
    private const string Tag = "accounts";

    [Function("RefreshToken")]
    [ApiExample("Renew", """{"refresh_token":"rt_0123456789abcdef"}""")]
    [ApiOperation(Tag, "Renew the access token: the refresh token sent is spent and a new pair returned.", RequestBody = typeof(RefreshRequest),
        Description = "Each refresh token works once. Sending a spent one ends its whole session (every token descended from that sign-in): sign in again.")]
    [ApiResponse(200, "A new pair.", Body = typeof(TokenPairJson))]
    [ApiResponse(401, "Not valid, already used, expired, or its session ended.")]
    [ApiResponses(ApiResponseSet.RefreshTokenMissing, ApiResponseSet.SignInRateLimit)]
    public Task<IActionResult> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/token/refresh")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            signInLimit.Check(request);
            var body = await RequestBody.ReadJsonAsync<RefreshRequest>(request, cancellationToken);
            return ApiResponse.Json(TokenPairJson.From(await sessions.RefreshAsync(body.RefreshToken, cancellationToken)));
        });

    [Function("Logout")]
    [ApiExample("Sign out", """{"refresh_token":"rt_0123456789abcdef"}""")]
    [ApiOperation(Tag, "Sign out: the session of the refresh token sent ends (its refresh tokens stop working).", RequestBody = typeof(RefreshRequest),
        RequiresBearer = true, Description = "The access token lapses on its own within its expires_in. A token of another session or none known changes nothing.")]
    [ApiResponse(204, "Signed out.")]
    [ApiResponses(ApiResponseSet.RefreshTokenMissing)]
    public Task<IActionResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/logout")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<RefreshRequest>(request, cancellationToken);
            await sessions.EndAsync(caller, body.RefreshToken, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });

    [Function("ChangePassword")]
    [ApiExample("New password", """{"current_password":"my current password","new_password":"a new long passphrase"}""")]
    [ApiOperation(Tag, "Change the password; every other session ends, this one goes on.", RequestBody = typeof(PasswordChangeRequest), RequiresBearer = true,
        Description = "Needs the current password; the new one must meet the same rules as at registration. Every other session ends at once.")]
    [ApiResponse(204, "Changed.")]
    [ApiResponse(400, "current_password wrong or missing, or new_password too short or too long.")]
    [ApiResponse(429, "5 password checks for this account within 15 minutes (sign-ins included); wait Retry-After seconds.")]
    public Task<IActionResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/password")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<PasswordChangeRequest>(request, cancellationToken);
            await passwords.ChangeAsync(caller, body.CurrentPassword, body.NewPassword, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });

    [Function("RequestPasswordReset")]
    [ApiExample("Forgot password", """{"email":"owner@example.com"}""")]
    [ApiOperation(Tag, "Mail a password-reset link to this email, if it has an account.", RequestBody = typeof(PasswordResetRequest),
        Description = "Always 202, the same answer in the same time for known and unknown emails. The link {FrontendBaseUrl}/reset-password?token=… " +
                      "works once, for 30 minutes.")]
    [ApiResponse(202, "Accepted: if the email has an account, a mail is on its way.")]
    [ApiResponse(400, "email missing or not an email address.")]
    [ApiResponse(503, "Outgoing mail is not configured (not-configured), or storage is unavailable.")]
    [ApiResponses(ApiResponseSet.SignInRateLimit)]
    public Task<IActionResult> RequestReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/password/reset")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            signInLimit.Check(request);
            var body = await RequestBody.ReadJsonAsync<PasswordResetRequest>(request, cancellationToken);
            await resets.RequestAsync(body.Email, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status202Accepted);
        });

    /// <summary>
    /// Sends the reset mail of one queued request. A failure (SMTP, storage) throws: the host delivers the message again,
    /// after 5 deliveries to password-reset-mail-poison.
    /// </summary>
    [Function("SendPasswordResetMail")]
    public Task SendResetMail([QueueTrigger(TableNames.PasswordResetMailQueue)] string message, CancellationToken cancellationToken) =>
        resets.SendAsync(message, cancellationToken);

    [Function("ConfirmPasswordReset")]
    [ApiExample("Set the new one", """{"token":"the-token-from-the-link","new_password":"a new long passphrase"}""")]
    [ApiOperation(Tag, "Set a new password with the token from the reset link; every session ends.", RequestBody = typeof(PasswordResetConfirmRequest),
        Description = "The token from the mail works once and for 30 minutes; using it spends every other reset link of the account and ends every session.")]
    [ApiResponse(204, "The password is changed; sign in with it.")]
    [ApiResponse(400, "The token is not valid, used or expired (errors.token), or new_password is too short or too long.")]
    [ApiResponses(ApiResponseSet.SignInRateLimit)]
    public Task<IActionResult> ConfirmReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "accounts/password/reset/confirm")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            signInLimit.Check(request);
            var body = await RequestBody.ReadJsonAsync<PasswordResetConfirmRequest>(request, cancellationToken);
            await passwords.ConfirmResetAsync(body.Token, body.NewPassword, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });

    [Function("ListPlans")]
    [ApiOperation(Tag, "The plans and what each unlocks, cheapest first.", NoStorage = true,
        Description = "Public: each plan with its monthly message limit and the features it unlocks (sphere integrations, working hours, analytics).")]
    [ApiResponse(200, "The plans.", Body = typeof(PlanJson[]), Headers = ["Cache-Control"])]
    public IActionResult ListPlans(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "accounts/plans")] HttpRequest request) =>
        ApiResponse.Json(Plan.All.Select(PlanJson.From).ToList()).WithHeader("Cache-Control", "public, max-age=300");
}
