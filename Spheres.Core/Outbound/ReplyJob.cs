using System.Text.Json;
using System.Text.RegularExpressions;
using Spheres.Core.Accounts;
using Spheres.Core.Storage;
using Fields = (Spheres.Core.Outbound.ReplyKind? Kind, string? Text, string? Recipient, System.DateTimeOffset? ReceivedAt, string? Problem);

namespace Spheres.Core.Outbound;

/// <summary>
/// One reply to send, read from its queue message: <c>auto-replies</c> (the pipeline's
/// <see cref="Messaging.QueuedMessage"/>, or the inbox's human reply with decision <c>human</c>) or <c>agent-replies</c> (<c>{message_id, tenant_id,
/// integration_id, text}</c>; the recipient is then the stored message's sender).
/// </summary>
public sealed partial record ReplyJob(
    string Queue, string Body, string TenantId, string MessageId, int IntegrationId, ReplyKind Kind, string Text,
    string? Recipient, DateTimeOffset? ReceivedAt)
{
    /// <summary>The longest reply text sent (Telegram and WhatsApp take 4096 characters); a longer one ends failed, with that reason.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Parses an <c>auto-replies</c> message; null with the reason when it is not one.</summary>
    public static (ReplyJob? Job, string? Problem) ParseAutoReply(string body) => Parse(TableNames.AutoRepliesQueue, body, root =>
    {
        var kind = Field(root, "decision") switch
        {
            "out_of_hours" => ReplyKind.OutOfHours,
            "quota_exceeded" => ReplyKind.QuotaExceeded,
            "human" => ReplyKind.Human,
            _ => (ReplyKind?)null,
        };
        if (kind is null) return Invalid("decision is not out_of_hours, quota_exceeded or human");
        // Messages queued before replies named their recipient are answered to their sender, as then.
        if ((Field(root, "recipient") ?? Field(root, "sender")) is not { Length: > 0 } sender) return Invalid("sender is missing");
        if (!root.TryGetProperty("received_at", out var at) || at.ValueKind != JsonValueKind.String || !at.TryGetDateTimeOffset(out var receivedAt)) return Invalid("received_at is missing");
        return (kind, Field(root, "reply_text"), sender, receivedAt, null);
    });

    /// <summary>Parses an <c>agent-replies</c> message; null with the reason when it is not one.</summary>
    public static (ReplyJob? Job, string? Problem) ParseAgentReply(string body) =>
        Parse(TableNames.AgentRepliesQueue, body, root => (ReplyKind.Agent, Field(root, "text"), null, null, null));

    private static (ReplyJob?, string?) Parse(string queue, string body,
        Func<JsonElement, Fields> read)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "not a JSON object");
            if (Field(root, "tenant_id") is not { } tenantId || !ProfileService.IsTenantId(tenantId)) return (null, "tenant_id is not a tenant id");
            if (Field(root, "message_id") is not { } messageId || !IsMessageId(messageId)) return (null, "message_id is not a message id");
            if (!root.TryGetProperty("integration_id", out var integration) || integration.ValueKind != JsonValueKind.Number
                || !integration.TryGetInt32(out var integrationId) || integrationId < 1)
                return (null, "integration_id is not an integration id");
            var (kind, text, recipient, receivedAt, problem) = read(root);
            if (problem is not null || kind is null) return (null, problem);
            if (string.IsNullOrWhiteSpace(text)) return (null, "the reply text is empty");
            // Far past what any channel takes, and near what a table row holds: not worth a row.
            if (text.Length > 4 * MaxTextLength) return (null, $"the reply text is longer than {4 * MaxTextLength} characters");
            return (new ReplyJob(queue, body, tenantId, messageId, integrationId, kind.Value, text, recipient, receivedAt), null);
        }
        catch (JsonException)
        {
            return (null, "not JSON");
        }
    }

    private static Fields Invalid(string problem) => (null, null, null, null, problem);

    private static string? Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What a message id may look like before it reaches a row key or a query.</summary>
    public static bool IsMessageId(string? id) => id is not null && MessageIdShape().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex MessageIdShape();
}
