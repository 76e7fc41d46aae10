namespace Spheres.Core.Outbound;

/// <summary>
/// Why a reply exists (API.md, the message's <c>reply.kind</c>). A <see cref="Human"/> reply is the owner's, written in the inbox:
/// it answers a conversation, not one message, so its <see cref="Reply.MessageId"/> is an id of its own (<c>h…</c>).
/// </summary>
public enum ReplyKind { OutOfHours, QuotaExceeded, Agent, Human }

/// <summary>
/// Where a reply is. <see cref="Sending"/> is internal: the provider is being asked (shown as
/// <c>pending</c>); a reply leaves <see cref="Sending"/> only for <see cref="Sent"/> or <see cref="Failed"/>,
/// never back to <see cref="Pending"/>, which is what makes it at most once.
/// </summary>
public enum ReplyStatus { Pending, Sending, Sent, Failed, Skipped }

/// <summary>The one reply to one inbound message, as stored in <c>Replies</c>.</summary>
public sealed record Reply(
    string TenantId,
    string MessageId,
    int IntegrationId,
    ReplyKind Kind,
    string Text,
    string Recipient,
    ReplyStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt = null,
    string? Error = null,
    string? ProviderMessageId = null,
    int Attempts = 0,
    string? SendToken = null,
    DateTimeOffset? SendStartedAt = null)
{
    public string? ETag { get; init; }

    public bool IsFinal => Status is ReplyStatus.Sent or ReplyStatus.Failed or ReplyStatus.Skipped;

    public static string KindName(ReplyKind kind) => kind switch
    {
        ReplyKind.OutOfHours => "out_of_hours",
        ReplyKind.QuotaExceeded => "quota_exceeded",
        ReplyKind.Human => "human",
        _ => "agent",
    };

    /// <summary>The API's status: a send under way is still <c>pending</c> to the owner.</summary>
    public static string StatusName(ReplyStatus status) => status switch
    {
        ReplyStatus.Sent => "sent",
        ReplyStatus.Failed => "failed",
        ReplyStatus.Skipped => "skipped",
        _ => "pending",
    };
}
