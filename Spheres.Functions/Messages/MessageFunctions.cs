using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Outbound;
using Spheres.Core.Problems;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Messages;

public sealed record MessageJson(
    string Id, int Integration, string Provider, string ExternalId, string Sender, string Text, DateTimeOffset ReceivedAt, string Decision,
    ReplyJson? Reply)
{
    public static MessageJson From(InboundMessage m, IReadOnlyDictionary<string, Reply> replies) =>
        new(m.Id, m.IntegrationId, m.Provider, m.ExternalId, m.Sender, m.Text, m.ReceivedAt, MessageQueues.DecisionName(m.Decision),
            replies.TryGetValue(m.Id, out var reply) ? ReplyJson.From(reply) : null);
}

/// <summary>API.md: <c>{kind, text, status, sent_at, error}</c>.</summary>
public sealed record ReplyJson(string Kind, string Text, string Status, DateTimeOffset? SentAt, string? Error)
{
    public static ReplyJson From(Reply r) => new(Reply.KindName(r.Kind), r.Text, Reply.StatusName(r.Status), r.SentAt, r.Error);
}

public sealed record MessagePageJson(IReadOnlyList<MessageJson> Results, string? Next);

/// <summary>
///   GET messages      the tenant's inbound messages, newest first, paged; ?integration= filters
///   GET messages/{id} one message with its reply
/// </summary>
public sealed class MessageFunctions(
    MessageStore messages, MessageReplies replies, IntegrationService integrations, AccessTokens tokens, ILogger<MessageFunctions> logger)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    [Function("ListMessages")]
    [ApiOperation("messages", "Inbound messages, newest first, paged: follow `next` until it is null.", RequiresBearer = true)]
    [ApiQuery("integration", typeof(int), "Only this integration's messages.")]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).")]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(MessagePageJson))]
    [ApiResponse(400, "Bad limit or cursor.")]
    [ApiResponse(404, "The integration filter names no integration of yours.")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var errors = new FieldErrors();
            int? integration = null;
            if (request.Query["integration"].FirstOrDefault() is { } rawIntegration)
            {
                if (int.TryParse(rawIntegration, out var id)) integration = id;
                else errors.Add("integration", "Give an integration id (an integer).");
            }
            var limit = DefaultPageSize;
            if (request.Query["limit"].FirstOrDefault() is { } rawLimit && (!int.TryParse(rawLimit, out limit) || limit is < 1 or > MaxPageSize))
                errors.Add("limit", $"Give a page size from 1 to {MaxPageSize}.");
            var cursor = DecodeCursor(request.Query["cursor"].FirstOrDefault(), errors);
            errors.ThrowIfAny();
            if (integration is { } filter) await integrations.FindAsync(caller, filter, cancellationToken); // 404 unless the caller's

            var (page, next) = await messages.ListAsync(caller.TenantId, integration, limit, cursor, cancellationToken);
            var nextUrl = next is null ? null
                : $"/api/messages/?{(integration is { } i ? $"integration={i}&" : "")}limit={limit}&cursor={Uri.EscapeDataString(EncodeCursor(next))}";
            var pageReplies = await replies.ForAsync(caller.TenantId, page, cancellationToken);
            return ApiResponse.Json(new MessagePageJson(page.Select(m => MessageJson.From(m, pageReplies)).ToList(), nextUrl));
        });

    [Function("GetMessage")]
    [ApiOperation("messages", "One inbound message with its reply.", RequiresBearer = true)]
    [ApiResponse(200, "The message.", Body = typeof(MessageJson))]
    [ApiResponse(404, "Not yours or not there.")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            // Checked before it reaches a query: anything that is not an id of ours is simply not there.
            var message = ReplyJob.IsMessageId(id) ? await messages.FindByIdAsync(caller.TenantId, id, cancellationToken) : null;
            if (message is null) throw ProblemException.NotFound("No message with this id.");
            var reply = await replies.ForAsync(caller.TenantId, [message], cancellationToken);
            return ApiResponse.Json(MessageJson.From(message, reply));
        });

    private static string EncodeCursor(string continuation) => OpaqueText.Encode(continuation);

    private static string? DecodeCursor(string? cursor, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        if (OpaqueText.TryDecode(cursor) is { } continuation) return continuation;
        errors.Add("cursor", "Not a cursor this API gave out; start again without it.");
        return null;
    }
}
