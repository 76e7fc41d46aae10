using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Providers;
using Spheres.Core.Providers.Meta;
using Spheres.Core.Providers.Telegram;
using Spheres.Core.Webhooks;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Webhooks;

public sealed record WebhookAckJson(int Received, int Stored);

/// <summary>A request as its provider module reads it: the key in its URL, its headers, its raw body.</summary>
internal static class Deliveries
{
    public static WebhookDelivery Of(HttpRequest request, byte[] body, string? key = null) =>
        new(key, name => request.Headers[name].FirstOrDefault(), body);
}

/// <summary>
/// Provider deliveries. Anonymous at the Functions level: trust comes from verifying each delivery
/// on its raw body bytes before anything is parsed.
///   POST webhooks/telegram/{integration_key}   one URL per connected bot
///   GET  webhooks/meta                          Meta's subscription handshake
///   POST webhooks/meta                          WhatsApp, Instagram, Messenger
/// </summary>
public sealed class WebhookFunctions(WebhookIntake intake, ILogger<WebhookFunctions> logger)
{
    private const string Tag = "webhooks";

    [Function("TelegramWebhook")]
    [ApiExample("A customer writes", """{"update_id":10000,"message":{"message_id":1365,"date":1767225600,"chat":{"id":1111111},"from":{"id":1111111,"first_name":"Iryna"},"text":"Добрий день! Можна записатися на суботу?"}}""")]
    [ApiOperation(Tag, "A Telegram update for one connected bot.", Description = "Verified by X-Telegram-Bot-Api-Secret-Token; deduplicated by update_id.",
        RequestBody = typeof(TelegramUpdate))]
    [ApiHeader(TelegramWebhookReceiver.SecretHeader, "The secret_token given to setWebhook.", Required = true)]
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
            var result = await intake.ReceiveAsync("telegram", Deliveries.Of(request, body, integration_key), cancellationToken);
            return ApiResponse.Json(new WebhookAckJson(1, result.Messages.Count));
        });

    [Function("MetaWebhookVerification")]
    [ApiOperation(Tag, "Meta's webhook subscription handshake: answers hub.challenge when hub.verify_token matches.", NoStorage = true,
        Description = "Meta calls this once when the subscription is set up; anything else is 403.")]
    [ApiQuery("hub.mode", typeof(string), "subscribe", Enum = ["subscribe"])]
    [ApiQuery("hub.verify_token", typeof(string), "The verify token configured in the Meta app.")]
    [ApiQuery("hub.challenge", typeof(string), "Echoed back as the plain-text body.")]
    [ApiResponse(200, "The challenge, as text/plain.")]
    [ApiResponse(403, "Wrong mode or verify token.")]
    public Task<IActionResult> MetaVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/meta")] HttpRequest request) =>
        Api.RunAsync(request, logger, () => Task.FromResult(ApiResponse.Text(intake.Handshake("meta", name => request.Query[name].FirstOrDefault()))));

    [Function("MetaWebhook")]
    [ApiExample("A Messenger message", """{"object":"page","entry":[{"id":"104857600123456","messaging":[{"sender":{"id":"6543210987654321"},"recipient":{"id":"104857600123456"},"timestamp":1767225600000,"message":{"mid":"m_1","text":"Hello!"}}]}]}""")]
    [ApiOperation(Tag, "Messenger, Instagram and WhatsApp deliveries, signed with the app secret; entries are routed by account id.",
        Description = "Echoes and WhatsApp statuses are acknowledged and not stored. Entries for accounts nobody connected are acknowledged and logged.",
        RequestBody = typeof(MetaDelivery))]
    [ApiHeader(MetaWebhookReceiver.SignatureHeader, "sha256=<hex HMAC-SHA256 of the raw body with the app secret>", Required = true)]
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
            var result = await intake.ReceiveAsync("meta", Deliveries.Of(request, body), cancellationToken);
            return ApiResponse.Json(new WebhookAckJson(result.Messages.Count, result.Messages.Count));
        });
}
