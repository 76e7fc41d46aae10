using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Providers.Google;
using Spheres.Core.Webhooks;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Webhooks;

/// <summary>
///   POST webhooks/gmail   Pub/Sub push of Gmail changes; Authorization: Bearer Google-signed OIDC token
/// </summary>
public sealed class GmailWebhookFunctions(WebhookIntake intake, ILogger<GmailWebhookFunctions> logger)
{
    [Function("GmailWebhook")]
    [ApiExample("A push", """{"message":{"data":"eyJlbWFpbEFkZHJlc3MiOiJvd25lckBleGFtcGxlLmNvbSIsImhpc3RvcnlJZCI6MTIzNH0=","messageId":"2070443601311540"},"subscription":"projects/spheres/subscriptions/gmail"}""")]
    [ApiOperation("webhooks", "Gmail mailbox changes pushed by Google Pub/Sub (users.watch), stored once per messageId.", RequestBody = typeof(PubSubPush),
        Description = "Verified by Google's OIDC token on Authorization (issuer, audience, our push service account); routed by the mailbox Google reported at consent. A mailbox nobody connected is acknowledged and ignored.")]
    [ApiHeader("Authorization", "Bearer <OIDC token Google signs for the push subscription's service account>", Required = true)]
    [ApiResponse(200, "Received, a repeat, or ignored (a mailbox nobody connected).", Body = typeof(EventAckJson))]
    [ApiResponse(400, "Verified, but not a Gmail push.")]
    [ApiResponse(401, "Missing token, or not Google's for our audience and push service account.")]
    [ApiResponse(413, "Body over 64 KB.")]
    [ApiResponse(503, "Not configured (Spheres:Google:PubSubAudience, PubSubServiceAccount), Google's keys unreadable, or storage unavailable: retry.")]
    public Task<IActionResult> Gmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/gmail")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, GmailPushReceiver.MaxBodyBytes, cancellationToken);
            return EventWebhookFunctions.Ack(await intake.ReceiveAsync("gmail", Deliveries.Of(request, body), cancellationToken));
        });
}

/// <summary>What Pub/Sub pushes: <c>data</c> is base64 JSON <c>{emailAddress, historyId}</c>.</summary>
public sealed record PubSubPush([property: Required] PubSubMessage Message, string? Subscription);

/// <summary>Pub/Sub names its fields in camelCase.</summary>
public sealed record PubSubMessage(
    [property: Required, Description("base64 of JSON {emailAddress, historyId}")] string Data,
    [property: Required, JsonPropertyName("messageId"), Description("Deduplicates repeated pushes.")] string MessageId,
    [property: JsonPropertyName("publishTime")] string? PublishTime);
