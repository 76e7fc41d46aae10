using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Operations;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Accounts;

public sealed record EraseAccountRequest([property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MinLength(1)] string? Password);

/// <summary>
/// Account erasure:
///   DELETE accounts              {password} → 202; sign-in stops now, the rest runs from the queue   (bearer)
///   queue  account-erasures      runs or resumes one erasure, step by step
/// </summary>
public sealed class AccountErasureFunctions(AccountErasure erasure, AccessTokens tokens, ILogger<AccountErasureFunctions> logger)
{
    [Function("EraseAccount")]
    [ApiExample("Confirm with the password", """{"password":"my account password"}""")]
    [ApiOperation("accounts", "Erase the account and all its data. Confirm with the password.", RequestBody = typeof(EraseAccountRequest),
        RequiresBearer = true,
        Description = "Sign-in stops at once. The erasure then runs in the background: webhooks are removed at the providers, " +
                      "secrets, rows and queued messages are deleted, and the email can register again.")]
    [ApiResponse(202, "Accepted: the erasure is under way.")]
    [ApiResponse(400, "No or a wrong password; nothing was erased.")]
    [ApiResponse(413, "Body over 16 KB.")]
    [ApiResponse(429, "Too many wrong passwords for this email; wait Retry-After seconds.")]
    [ApiResponses(ApiResponseSet.AccountGone)]
    public Task<IActionResult> Erase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "accounts")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<EraseAccountRequest>(request, cancellationToken, 16 * 1024);
            await erasure.RequestAsync(caller, body.Password, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status202Accepted);
        });

    /// <summary>
    /// Runs (or resumes) one erasure. A failure throws, so the host makes the message visible again and
    /// the next delivery resumes after the last step done; after 5 deliveries it goes to the poison queue.
    /// </summary>
    [Function("RunAccountErasure")]
    public Task Run([QueueTrigger(TableNames.AccountErasureQueue)] QueueMessage message, CancellationToken cancellationToken) =>
        QueueWork.RunAsync(TableNames.AccountErasureQueue, message, body => RunAsync(body, cancellationToken));

    private async Task RunAsync(string message, CancellationToken cancellationToken)
    {
        ErasureMessage? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<ErasureMessage>(message);
        }
        catch (JsonException)
        {
            parsed = null;
        }
        if (parsed?.TenantId is not { } tenantId)
        {
            logger.LogWarning("Erasure message without a tenant id ignored");
            return;
        }
        if (await erasure.RunAsync(tenantId, cancellationToken) == ErasureProgress.NothingToDo)
        {
            logger.LogInformation("Erasure message for tenant {TenantId}: nothing to do (already erased)", tenantId);
        }
    }
}
