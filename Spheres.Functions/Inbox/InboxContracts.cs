using System.ComponentModel.DataAnnotations;
using Spheres.Core.Inbox;
using Spheres.Core.Messaging;
using Spheres.Core.Outbound;
using Spheres.Functions.Messages;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Inbox;

/// <summary>API.md, Inbox: <c>{id, integration, provider, customer:{id, name}, status, assignee, unread, last_message_at, last_message_preview, messages_count}</c>.</summary>
public sealed record ConversationJson(
    string Id, int Integration,
    [property: AllowedValues("telegram", "whatsapp", "instagram", "messenger")] string Provider,
    CustomerJson Customer,
    [property: AllowedValues("agent", "human", "closed")]
    [property: Description("Who answers the customer: the agent, a human who replied (until handback or the handback hours pass without a human reply), or nobody (closed).")]
    string Status,
    [property: AllowedValues("owner")]
    [property: Description("\"owner\" while a human holds the conversation; null otherwise.")]
    string? Assignee,
    [property: Description("Customer messages since the conversation was last read or answered.")] int Unread,
    DateTimeOffset LastMessageAt,
    [property: Description("The start of the newest customer message (its first 120 characters, or its attachment's type in brackets).")]
    string LastMessagePreview,
    [property: Description("Customer messages in the conversation.")] int MessagesCount)
{
    public static ConversationJson From(Conversation c, DateTimeOffset now)
    {
        var status = c.StatusAt(now);
        return new(c.Id, c.IntegrationId, c.Provider, new CustomerJson(c.CustomerId, c.CustomerName), Conversation.StatusName(status),
            status == ConversationStatus.Human ? "owner" : null, c.Unread, c.LastMessageAt, c.LastMessagePreview, c.MessagesCount);
    }
}

public sealed record CustomerJson(
    [property: Description("The provider's id of the customer (the chat id, PSID, IGSID or phone number).")] string Id,
    [property: Description("The name the provider gave (Telegram first and last name, WhatsApp profile name); the id until one is known.")] string Name);

public sealed record ConversationPageJson(IReadOnlyList<ConversationJson> Results, string? Next);

/// <summary>One item of a conversation: a customer message (<c>inbound</c>) or a reply to the customer (<c>outbound</c>).</summary>
public sealed record ConversationItemJson(
    [property: AllowedValues("inbound", "outbound")] string Direction,
    [property: Description("Inbound: the message's id. Outbound: the human reply's id, or the id of the message an automatic or agent reply answers.")]
    string Id,
    [property: Description("Inbound: when the customer wrote. Outbound: when it was sent, or written if not sent yet.")] DateTimeOffset At,
    string Text,
    IReadOnlyList<AttachmentJson> Attachments,
    [property: AllowedValues("agent", "out_of_hours", "quota_exceeded", "inactive", "human")]
    [property: Description("Inbound only: what happened to the message; null on outbound items.")] string? Decision,
    [property: AllowedValues("out_of_hours", "quota_exceeded", "agent", "human")]
    [property: Description("Outbound only: who wrote it; null on inbound items.")] string? Author,
    [property: AllowedValues("pending", "sent", "failed", "skipped")]
    [property: Description("Outbound only: where the reply is; null on inbound items.")] string? Status,
    DateTimeOffset? SentAt, string? Error,
    [property: Description("Outbound only: the message an automatic or agent reply answers; null for a human reply.")] string? InReplyTo)
{
    public static ConversationItemJson From(ConversationItem item) => item.Message is { } m ? Inbound(m) : Outbound(item.Reply!);

    public static ConversationItemJson Inbound(InboundMessage m) =>
        new("inbound", m.Id, m.SentAt, m.Text, m.Attachments.Select(AttachmentJson.From).ToList(), MessageQueues.DecisionName(m.Decision),
            null, null, null, null, null);

    public static ConversationItemJson Outbound(Reply r) =>
        new("outbound", r.MessageId, r.SentAt ?? r.CreatedAt, r.Text, [], null, Reply.KindName(r.Kind), Reply.StatusName(r.Status), r.SentAt, r.Error,
            r.Kind == ReplyKind.Human ? null : r.MessageId);
}

public sealed record ConversationItemPageJson(IReadOnlyList<ConversationItemJson> Results, string? Next);

public sealed record HumanReplyRequest(
    [property: Required, StringLength(ReplyJob.MaxTextLength, MinimumLength = 1), RegularExpression(@"\S"),
     Description("The reply, 1–4096 characters, not only spaces.")] string? Text);
