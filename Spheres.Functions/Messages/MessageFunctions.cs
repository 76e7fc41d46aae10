using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Outbound;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Messages;

/// <summary>API.md, "Inbound message JSON" and "What a customer message is".</summary>
public sealed record MessageJson(
    string Id, int Integration,
    [property: System.ComponentModel.DataAnnotations.AllowedValues("telegram", "whatsapp", "instagram", "messenger")] string Provider,
    [property: Description("The provider's id of the message (Telegram: chat id and message id, `{chat}:{message}`; Business chats prefix the connection).")]
    string ExternalId,
    string Sender,
    [property: Description("The customer's words: the text, a media caption, or the title of the button, list row, quick reply, postback or ice-breaker tapped; \"\" when there are none.")]
    string Text,
    IReadOnlyList<AttachmentJson> Attachments,
    [property: Description("The developer payload of a tapped button, postback or quick reply; null otherwise.")]
    string? Payload,
    [property: Description("The external_id of the message the customer replied to, when the provider says.")]
    string? ReplyTo,
    [property: Description("When the customer last edited the message; null if never.")]
    DateTimeOffset? EditedAt,
    [property: Description("The customer unsent (deleted) it: text and attachments are cleared.")]
    bool Deleted,
    DateTimeOffset SentAt, DateTimeOffset ReceivedAt,
    [property: System.ComponentModel.DataAnnotations.AllowedValues("agent", "out_of_hours", "quota_exceeded", "inactive", "human")] string Decision,
    ReplyJson? Reply)
{
    public static MessageJson From(InboundMessage m, IReadOnlyDictionary<string, Reply> replies) =>
        new(m.Id, m.IntegrationId, m.Provider, m.ExternalId, m.Sender, m.Text, m.Attachments.Select(AttachmentJson.From).ToList(), m.Payload,
            m.ReplyTo, m.EditedAt, m.Deleted, m.SentAt, m.ReceivedAt, MessageQueues.DecisionName(m.Decision),
            replies.TryGetValue(m.Id, out var reply) ? ReplyJson.From(reply) : null);
}

/// <summary>Something a customer sent besides words; absent fields are null.</summary>
public sealed record AttachmentJson(
    [property: System.ComponentModel.DataAnnotations.AllowedValues(
        "image", "video", "audio", "voice", "file", "sticker", "location", "contact", "share", "story", "order", "other")] string Type,
    [property: Description("The provider's id to fetch the media later (Telegram file_id, WhatsApp media id).")] string? MediaId,
    [property: Description("Only where the provider sends one (Messenger and Instagram media, a contact's tel: number, a location's link).")] string? Url,
    string? MimeType,
    [property: Description("A file name, a contact's or place's name, a sticker's emoji, a forwarded message's origin.")] string? Name,
    double? Latitude, double? Longitude)
{
    public static AttachmentJson From(MessageAttachment a) =>
        new(MessageAttachment.TypeName(a.Type), a.MediaId, a.Url, a.MimeType, a.Name, a.Latitude, a.Longitude);
}

/// <summary>API.md: <c>{kind, text, status, sent_at, error}</c>.</summary>
public sealed record ReplyJson(
    [property: System.ComponentModel.DataAnnotations.AllowedValues("out_of_hours", "quota_exceeded", "agent", "human")] string Kind, string Text,
    [property: System.ComponentModel.DataAnnotations.AllowedValues("pending", "sent", "failed", "skipped")] string Status,
    DateTimeOffset? SentAt, string? Error)
{
    public static ReplyJson From(Reply r) => new(Reply.KindName(r.Kind), r.Text, Reply.StatusName(r.Status), r.SentAt, r.Error);
}

public sealed record MessagePageJson(IReadOnlyList<MessageJson> Results, string? Next);

/// <summary>
///   GET messages      the tenant's inbound messages, newest first, paged; ?integration= filters
///   GET messages/{id} one message with its reply
/// </summary>
public sealed class MessageFunctions(
    MessageStore messages, MessageReplies replies, TenantIntegrations integrations, AccessTokens tokens, ILogger<MessageFunctions> logger)
{
    public const int DefaultPageSize = PageCursors.DefaultPageSize;
    public const int MaxPageSize = PageCursors.MaxPageSize;

    [Function("ListMessages")]
    [ApiOperation("messages", "Inbound messages, newest first, paged: follow `next` until it is null.", RequiresBearer = true,
        Description = "Paged with limit (1-200, default 50) and an opaque cursor taken from next; integration narrows the list to one of yours.")]
    [ApiQuery("integration", typeof(int), "Only this integration's messages.", MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiQuery("limit", typeof(int), "Page size, 1–200 (default 50).", MinimumValue = 1, MaximumValue = MaxPageSize)]
    [ApiQuery("cursor", typeof(string), "Opaque; taken from `next`.")]
    [ApiResponse(200, "A page.", Body = typeof(MessagePageJson))]
    [ApiResponse(404, "The integration filter names no integration of yours.")]
    [ApiResponses(ApiResponseSet.BadLimitOrCursor)]
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
            var limit = PageCursors.Limit(request.Query, errors);
            var cursor = PageCursors.Decode(request.Query["cursor"].FirstOrDefault(), errors);
            errors.ThrowIfAny();
            if (integration is { } filter) await integrations.FindAsync(caller, filter, cancellationToken); // 404 unless the caller's

            var (page, next) = await messages.ListAsync(caller.TenantId, integration, limit, cursor, cancellationToken);
            var nextUrl = next is null ? null
                : $"/api/messages/?{(integration is { } i ? $"integration={i}&" : "")}limit={limit}&cursor={PageCursors.Encode(next)}";
            var pageReplies = await replies.ForAsync(caller.TenantId, page, cancellationToken);
            return ApiResponse.Json(new MessagePageJson(page.Select(m => MessageJson.From(m, pageReplies)).ToList(), nextUrl));
        });

    [Function("GetMessage")]
    [ApiOperation("messages", "One inbound message with its reply.", RequiresBearer = true,
        Description = "The message with its reply: kind (out_of_hours, quota_exceeded, agent, human), text, status (pending, sent, failed, skipped), sent_at and error.")]
    [ApiResponse(200, "The message.", Body = typeof(MessageJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "messages/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            // Checked before it reaches a query: anything that is not an id of ours is simply not there.
            var message = MessageStore.IsMessageId(id) ? await messages.FindAsync(caller.TenantId, id, cancellationToken) : null;
            if (message is null) throw ProblemException.NotFound("No message with this id.");
            var reply = await replies.ForAsync(caller.TenantId, [message], cancellationToken);
            return ApiResponse.Json(MessageJson.From(message, reply));
        });

}
