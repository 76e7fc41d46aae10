using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Inbox;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Inbox;

/// <summary>
///   GET  conversations                  the tenant's conversations, newest activity first, paged; ?status=, ?integration=, ?unread=true
///   GET  conversations/{id}             one conversation
///   GET  conversations/{id}/messages    its messages and replies in order, paged
///   POST conversations/{id}/messages    a human reply {text} → 202 (Idempotency-Key: a retry sends nothing twice)
///   POST conversations/{id}/handback|close|read
/// </summary>
public sealed class InboxFunctions(InboxService inbox, TenantIntegrations integrations, AccessTokens tokens, ILogger<InboxFunctions> logger)
{
    private const string Tag = "inbox";
    public const int DefaultPageSize = PageCursors.DefaultPageSize;
    public const int MaxPageSize = PageCursors.MaxPageSize;

    [Function("ListConversations")]
    [ApiOperation(Tag, "Conversations, newest activity first, paged: follow `next` until it is null.", RequiresBearer = true,
        Description = "One conversation per customer per integration. Paged with limit (1-200, default 50) and an opaque cursor taken from next.")]
    [ApiQuery("status", typeof(string), "Only conversations with this status.", Enum = ["agent", "human", "closed"])]
    [ApiQuery("integration", typeof(int), "Only this integration's conversations.", MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiQuery("unread", typeof(string), "true: only conversations with unread customer messages.", Enum = ["true", "false"])]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).", MinimumValue = 1, MaximumValue = MaxPageSize)]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(ConversationPageJson))]
    [ApiResponse(400, "A bad status, integration, unread, limit or cursor (errors names the field).")]
    [ApiResponse(404, "The integration filter names no integration of yours.")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var errors = new FieldErrors();
            var query = request.Query;
            var rawStatus = query["status"].FirstOrDefault();
            var status = Core.Inbox.Conversation.ParseStatus(rawStatus);
            if (rawStatus is not null && status is null) errors.Add("status", "Give agent, human or closed.");
            int? integration = null;
            if (query["integration"].FirstOrDefault() is { } rawIntegration)
            {
                if (int.TryParse(rawIntegration, out var id)) integration = id;
                else errors.Add("integration", "Give an integration id (an integer).");
            }
            var rawUnread = query["unread"].FirstOrDefault();
            if (rawUnread is not null and not "true" and not "false") errors.Add("unread", "Give true or false.");
            var limit = PageCursors.Limit(request.Query, errors);
            var cursor = PageCursors.Decode(query["cursor"].FirstOrDefault(), errors);
            errors.ThrowIfAny();
            if (integration is { } filter) await integrations.FindAsync(caller, filter, cancellationToken); // 404 unless the caller's

            var (page, next) = await inbox.ListAsync(caller.TenantId, new ConversationFilter(status, integration, rawUnread == "true"), limit, cursor,
                cancellationToken);
            var again = (rawStatus is null ? "" : $"status={rawStatus}&") + (integration is { } i ? $"integration={i}&" : "")
                + (rawUnread is null ? "" : $"unread={rawUnread}&");
            var now = inbox.Now;
            return ApiResponse.Json(new ConversationPageJson(page.Select(c => ConversationJson.From(c, now)).ToList(),
                next is null ? null : $"/api/conversations/?{again}limit={limit}&cursor={PageCursors.Encode(next)}"));
        });

    [Function("GetConversation")]
    [ApiOperation(Tag, "One conversation.", RequiresBearer = true,
        Description = "Its customer, status (agent, human or closed), unread count, last activity and preview.")]
    [ApiResponse(200, "The conversation.", Body = typeof(ConversationJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ConversationJson.From(await inbox.GetAsync(caller.TenantId, id, cancellationToken), inbox.Now)));

    [Function("ListConversationMessages")]
    [ApiOperation(Tag, "A conversation's messages and replies, oldest first, paged: follow `next` until it is null.", RequiresBearer = true,
        Description = "Each customer message (inbound) is followed by its reply, if any; outbound items say who wrote them (author) and their status. " +
            "Paged with limit (1-200 timeline entries, default 50) and an opaque cursor taken from next.")]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).", MinimumValue = 1, MaximumValue = MaxPageSize)]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(ConversationItemPageJson))]
    [ApiResponses(ApiResponseSet.BadLimitOrCursor, ApiResponseSet.NotYours)]
    public Task<IActionResult> Messages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{id}/messages")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var errors = new FieldErrors();
            var limit = PageCursors.Limit(request.Query, errors);
            var cursor = PageCursors.Decode(request.Query["cursor"].FirstOrDefault(), errors);
            errors.ThrowIfAny();
            var (items, next) = await inbox.MessagesAsync(caller.TenantId, id, limit, cursor, cancellationToken);
            return ApiResponse.Json(new ConversationItemPageJson(items.Select(ConversationItemJson.From).ToList(),
                next is null ? null : $"/api/conversations/{id}/messages/?limit={limit}&cursor={PageCursors.Encode(next)}"));
        });

    [Function("ReplyToConversation")]
    [ApiExample("A reply", """{"text":"Добрий день! Так, у суботу о 10:00 є вільне місце."}""")]
    [ApiOperation(Tag, "Reply to the customer yourself; the agent stops answering them.", RequestBody = typeof(HumanReplyRequest), RequiresBearer = true,
        Description = "Queued for the one sender (sent once, within the provider's limits). The conversation becomes human: the customer's next messages " +
            "are not given to the agent and get no out-of-hours reply, until handback or Spheres:Inbox:HandbackHours (default 24) without a human reply.")]
    [ApiHeader(IdempotencyKeys.Header, "Optional; makes a retry safe (draft-ietf-httpapi-idempotency-key-header). A new key per reply, such as a UUID, " +
        "1-255 visible ASCII characters without spaces, quotes or backslashes, bare or as a quoted string. The same key again in this conversation, " +
        "with the same text, returns the reply it made (202, its status now) and sends nothing again; with another text it is a 422.")]
    [ApiResponse(202, "Queued; the reply is pending. With a repeated Idempotency-Key: the reply that key made, as it is now.", Body = typeof(ConversationItemJson))]
    [ApiResponse(400, "No text, or more than 4096 characters, or a malformed Idempotency-Key (errors names text or Idempotency-Key).")]
    [ApiResponse(409, "The provider's window is closed (Messenger, Instagram, WhatsApp: 24 hours after the customer's last message); nothing was queued.")]
    [ApiResponse(422, "The Idempotency-Key was used in this conversation for a reply with another text; nothing was queued.")]
    [ApiResponse(413, "Body over 64 KB.")]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Reply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conversations/{id}/messages")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var key = IdempotencyKeys.Parse(request.Headers[IdempotencyKeys.Header]);
            var body = await RequestBody.ReadJsonAsync<HumanReplyRequest>(request, cancellationToken, 64 * 1024);
            var reply = await inbox.ReplyAsync(caller.TenantId, id, body.Text, key, cancellationToken);
            return ApiResponse.Json(ConversationItemJson.Outbound(reply), StatusCodes.Status202Accepted);
        });

    [Function("HandBackConversation")]
    [ApiOperation(Tag, "Give the conversation back to the agent.", RequiresBearer = true,
        Description = "The customer's next messages go to the agent again (and get the out-of-hours reply when closed).")]
    [ApiResponse(200, "The conversation, now agent.", Body = typeof(ConversationJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> HandBack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conversations/{id}/handback")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ConversationJson.From(await inbox.HandbackAsync(caller.TenantId, id, cancellationToken), inbox.Now)));

    [Function("CloseConversation")]
    [ApiOperation(Tag, "Close the conversation.", RequiresBearer = true,
        Description = "A new message from the customer reopens it (status agent).")]
    [ApiResponse(200, "The conversation, now closed.", Body = typeof(ConversationJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conversations/{id}/close")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ConversationJson.From(await inbox.CloseAsync(caller.TenantId, id, cancellationToken), inbox.Now)));

    [Function("MarkConversationRead")]
    [ApiOperation(Tag, "Mark the conversation read.", RequiresBearer = true, Description = "Its unread count becomes 0.")]
    [ApiResponse(200, "The conversation, unread 0.", Body = typeof(ConversationJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> MarkRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conversations/{id}/read")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(ConversationJson.From(await inbox.MarkReadAsync(caller.TenantId, id, cancellationToken), inbox.Now)));
}
