using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Providers;
using Spheres.Core.Webhooks;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Webhooks;

public sealed record EventAckJson(string Outcome);

/// <summary>
/// Scheduling and calendar providers, stored as integration events (anonymous; verified per provider):
///   POST webhooks/calendly          Calendly-Webhook-Signature, 3-minute replay window
///   POST webhooks/zoom              x-zm-signature; answers endpoint.url_validation
///   POST webhooks/square            x-square-hmacsha256-signature over URL + body
///   POST webhooks/google-calendar   X-Goog-Channel-ID / X-Goog-Channel-Token
/// </summary>
public sealed class EventWebhookFunctions(WebhookIntake intake, ILogger<EventWebhookFunctions> logger)
{
    private const string Tag = "webhooks";

    [Function("CalendlyWebhook")]
    [ApiExample("A booking", """{"event":"invitee.created","payload":{"uri":"https://api.calendly.com/scheduled_events/AAA/invitees/BBB"}}""")]
    [ApiOperation(Tag, "Calendly invitee events (booking created/cancelled).", RequestBody = typeof(CalendlyEvent),
        Description = "Verified with Calendly-Webhook-Signature (HMAC-SHA256 of t.body with our signing key, t within 3 minutes); routed by the user the consent connected; stored once.")]
    [ApiHeader("Calendly-Webhook-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256(key, t + '.' + body)>", Required = true)]
    [ApiResponse(200, "Received.", Body = typeof(EventAckJson))]
    [ApiResponse(400, "Verified, but not a Calendly event.")]
    [ApiResponse(401, "Missing, wrong or older than 3 minutes.")]
    [ApiResponses(ApiResponseSet.BodyOver4Mb, ApiResponseSet.WebhookStorageRetry)]
    public Task<IActionResult> Calendly(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/calendly")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, WebhookRejected.MaxBodyBytes, cancellationToken);
            return Ack(await intake.ReceiveAsync("calendly", Deliveries.Of(request, body), cancellationToken));
        });

    [Function("ZoomWebhook")]
    [ApiExample("A meeting started", """{"event":"meeting.started","payload":{"account_id":"abc123","object":{"id":"85746065432"}},"event_ts":1767225600000}""")]
    [ApiOperation(Tag, "Zoom events (meeting started/ended) and the endpoint.url_validation challenge.", RequestBody = typeof(ZoomEvent),
        Description = "Verified with x-zm-signature over v0:{timestamp}:{body}, the timestamp within 5 minutes; endpoint.url_validation is answered with the signed plain token.")]
    [ApiHeader("x-zm-signature", "v0=<hex HMAC-SHA256(secret, 'v0:' + timestamp + ':' + body)>", Required = true)]
    [ApiHeader("x-zm-request-timestamp", "The timestamp signed.", Required = true)]
    [ApiResponse(200, "Received, or {plainToken, encryptedToken} for a URL validation.", Body = typeof(EventAckJson))]
    [ApiResponse(400, "Verified, but not a Zoom event.")]
    [ApiResponses(ApiResponseSet.BadSignature, ApiResponseSet.BodyOver4Mb, ApiResponseSet.WebhookStorageRetry)]
    public Task<IActionResult> Zoom(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/zoom")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, WebhookRejected.MaxBodyBytes, cancellationToken);
            var result = await intake.ReceiveAsync("zoom", Deliveries.Of(request, body), cancellationToken);
            return result.Answer is { } validation ? ApiResponse.Json(validation) : Ack(result);
        });

    [Function("SquareWebhook")]
    [ApiExample("A booking", """{"type":"booking.created","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","merchant_id":"ML8M1AQ1GQG2K","data":{"type":"booking","id":"bk1"}}""")]
    [ApiOperation(Tag, "Square Appointments booking events.", RequestBody = typeof(SquareEvent),
        Description = "Verified with x-square-hmacsha256-signature over our notification URL and the body; routed by the merchant the consent connected.")]
    [ApiHeader("x-square-hmacsha256-signature", "base64 HMAC-SHA256(signature key, notification URL + body)", Required = true)]
    [ApiResponse(200, "Received.", Body = typeof(EventAckJson))]
    [ApiResponse(400, "Verified, but not a Square event.")]
    [ApiResponses(ApiResponseSet.BadSignature, ApiResponseSet.BodyOver4Mb, ApiResponseSet.WebhookStorageRetry)]
    public Task<IActionResult> Square(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/square")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
        {
            var body = await RequestBody.ReadBytesAsync(request, WebhookRejected.MaxBodyBytes, cancellationToken);
            return Ack(await intake.ReceiveAsync("square", Deliveries.Of(request, body), cancellationToken));
        });

    [Function("GoogleCalendarWebhook")]
    [ApiOperation(Tag, "Google Calendar push notifications (no body): calendar changed.",
        Description = "Verified by X-Goog-Channel-ID and X-Goog-Channel-Token, the channel we opened; sync is the handshake and is not stored.")]
    [ApiHeader("X-Goog-Channel-ID", "Our channel id.", Required = true)]
    [ApiHeader("X-Goog-Channel-Token", "Our channel token.", Required = true)]
    [ApiHeader("X-Goog-Resource-State", "sync (the handshake, not stored), then exists.", Required = true)]
    [ApiHeader("X-Goog-Message-Number", "Deduplicates repeats.")]
    [ApiResponse(200, "Received.", Body = typeof(EventAckJson))]
    [ApiResponse(401, "Unknown channel or wrong token.")]
    [ApiResponses(ApiResponseSet.WebhookStorageRetry)]
    public Task<IActionResult> GoogleCalendar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/google-calendar")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsync(request, logger, async () =>
            Ack(await intake.ReceiveAsync("google-calendar", Deliveries.Of(request, WebhookDelivery.NoBody), cancellationToken)));

    internal static ApiResponse Ack(WebhookResult result) => ApiResponse.Json(new EventAckJson(result.Events.ToString().ToLowerInvariant()));
}
