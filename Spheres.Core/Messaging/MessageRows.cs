using Azure.Data.Tables;
using Spheres.Core.Providers;

namespace Spheres.Core.Messaging;

/// <summary>A stored message and its row in <c>Messages</c>, both ways.</summary>
internal static class MessageRows
{
    public static TableEntity ToRow(InboundMessage m)
    {
        var row = new TableEntity(m.TenantId, MessageStore.RowKeyOf(m))
        {
            ["Id"] = m.Id, ["IntegrationId"] = m.IntegrationId, ["Provider"] = m.Provider, ["ExternalId"] = m.ExternalId,
            ["Sender"] = m.Sender, ["Text"] = m.Text, ["SentAt"] = m.SentAt, ["ReceivedAt"] = m.ReceivedAt, ["Decision"] = m.Decision.ToString(),
            ["ReplyText"] = m.ReplyText, ["Enqueued"] = m.Enqueued, ["ClaimedUntil"] = m.ClaimedUntil,
        };
        WriteContent(row, m);
        return row;
    }

    /// <summary>The content columns besides Text; each is left out when empty, so rows stay as small as before.</summary>
    public static void WriteContent(TableEntity row, InboundMessage m)
    {
        foreach (var column in ContentColumns) row.Remove(column);
        void Set(string column, object? value)
        {
            if (value is not null) row[column] = value;
        }
        Set("Attachments", StoredAttachments.Write(m.Attachments));
        Set("Payload", m.Payload);
        Set("ReplyTo", m.ReplyTo);
        Set("EditedAt", m.EditedAt);
        Set("Deleted", m.Deleted ? true : null);
        Set("SenderName", m.SenderName);
        Set("ReplyRecipient", m.ReplyRecipient);
    }

    private static readonly string[] ContentColumns = ["Attachments", "Payload", "ReplyTo", "EditedAt", "Deleted", "SenderName", "ReplyRecipient"];

    public static InboundMessage FromRow(TableEntity e) => new(
        e.PartitionKey, e.GetInt32("IntegrationId") ?? 0, e.GetString("Id"), e.GetString("Provider"), e.GetString("ExternalId"),
        e.GetString("Sender"), e.GetString("Text") ?? "", e.GetDateTimeOffset("SentAt") ?? e.GetDateTimeOffset("ReceivedAt") ?? default,
        e.GetDateTimeOffset("ReceivedAt") ?? default,
        Enum.Parse<MessageDecision>(e.GetString("Decision")), e.GetString("ReplyText"), e.GetBoolean("Enqueued") ?? false,
        e.GetDateTimeOffset("ClaimedUntil") ?? default)
    {
        ETag = e.ETag.ToString(),
        Attachments = StoredAttachments.Read(e.GetString("Attachments")),
        Payload = e.GetString("Payload"),
        ReplyTo = e.GetString("ReplyTo"),
        EditedAt = e.GetDateTimeOffset("EditedAt"),
        Deleted = e.GetBoolean("Deleted") ?? false,
        SenderName = e.GetString("SenderName"),
        ReplyRecipient = e.GetString("ReplyRecipient"),
    };
}
