using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Webhooks;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Webhooks;

public sealed record WebhookAckJson(int Received, int Stored);

/// <summary>
/// Provider deliveries. Anonymous at the Functions level: trust comes from verifying each delivery
/// on its raw body bytes before anything is parsed.
///   POST webhooks/telegram/{integration_key}   one URL per connected bot
///   GET  webhooks/meta                          Meta's subscription handshake
///   POST webhooks/meta                          WhatsApp, Instagram, Messenger
/// </summary>
public sealed class WebhookFunctions(TelegramWebhook telegram, MetaWebhook meta, ILogger<WebhookFunctions> logger)
{
    private const string Tag = "webhooks";

    [Function("TelegramWebhook")]
    [ApiOperation(Tag, "A Telegram update for one connected bot.", Description = "Verified by X-Telegram-Bot-Api-Secret-Token; deduplicated by update_id.",
        RequestBody = typeof(TelegramUpdate))]
    [ApiHeader(TelegramWebhook.SecretHeader, "The secret_token given to setWebhook.", Required = true)]
    [ApiResponse(200, "Received (also for repeats, stored once).", Body = typeof(WebhookAckJson))]
    [ApiResponse(400, "Verified, but not a Telegram update.")]
    [ApiResponse(401, "The secret does not match.")]
    [ApiResponse(503, "Storage unavailable: retry (Telegram does).")]
    [ApiResponses(ApiResponseSet.BodyOver4Mb)]
    public Task<IActionResult> Telegram(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/telegram/{integration_key}")] HttpRequest request,
        string integration_key,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, WebhookRejected.MaxBodyBytes, cancellationToken);
            var stored = await telegram.ReceiveAsync(integration_key, request.Headers[TelegramWebhook.SecretHeader].FirstOrDefault(), body, cancellationToken);
            return ApiResponse.Json(new WebhookAckJson(1, stored is null ? 0 : 1));
        });

    [Function("MetaWebhookVerification")]
    [ApiOperation(Tag, "Meta's webhook subscription handshake: answers hub.challenge when hub.verify_token matches.", NoStorage = true)]
    [ApiQuery("hub.mode", typeof(string), "subscribe", Enum = ["subscribe"])]
    [ApiQuery("hub.verify_token", typeof(string), "The verify token configured in the Meta app.")]
    [ApiQuery("hub.challenge", typeof(string), "Echoed back as the plain-text body.")]
    [ApiResponse(200, "The challenge, as text/plain.")]
    [ApiResponse(403, "Wrong mode or verify token.")]
    public Task<IActionResult> MetaVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/meta")] HttpRequest request) =>
        Api.RunAsync(request, logger, () => Task.FromResult(ApiResponse.Text(meta.Verify(
            request.Query["hub.mode"].FirstOrDefault(), request.Query["hub.verify_token"].FirstOrDefault(), request.Query["hub.challenge"].FirstOrDefault()))));

    [Function("MetaWebhook")]
    [ApiOperation(Tag, "Messenger, Instagram and WhatsApp deliveries, signed with the app secret; entries are routed by account id.",
        Description = "Echoes and WhatsApp statuses are acknowledged and not stored. Entries for accounts nobody connected are acknowledged and logged.",
        RequestBody = typeof(MetaDelivery))]
    [ApiHeader(MetaWebhook.SignatureHeader, "sha256=<hex HMAC-SHA256 of the raw body with the app secret>", Required = true)]
    [ApiResponse(200, "Received.", Body = typeof(WebhookAckJson))]
    [ApiResponse(400, "Verified, but not a Meta delivery.")]
    [ApiResponse(503, "Storage unavailable: retry (Meta does).")]
    [ApiResponses(ApiResponseSet.BadSignature, ApiResponseSet.BodyOver4Mb)]
    public Task<IActionResult> Meta(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/meta")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, WebhookRejected.MaxBodyBytes, cancellationToken);
            var stored = await meta.ReceiveAsync(request.Headers[MetaWebhook.SignatureHeader].FirstOrDefault(), body, cancellationToken);
            return ApiResponse.Json(new WebhookAckJson(stored.Count, stored.Count));
        });
}
