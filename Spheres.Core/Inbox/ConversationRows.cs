using System.Globalization;
using Azure.Data.Tables;

namespace Spheres.Core.Inbox;

/// <summary>
/// The rows of <c>Conversations</c>, in the tenant's partition: the conversation itself (<c>c-{id}</c>), a copy under its
/// last activity (<c>a-{ticks down}-{id}</c>, what the list reads newest first), and one timeline row per customer message or
/// human reply (<c>t-{id}-{ticks up}-{item}</c>, what the conversation's messages read in order).
/// </summary>
internal static class ConversationRows
{
    public const string StatePrefix = "c-";
    public const string ActivityPrefix = "a-";
    public const string TimelinePrefix = "t-";

    /// <summary>What retention deletes timeline rows by; conversation and activity rows go by <c>LastMessageAt</c>.</summary>
    public const string TimelineAt = "At";

    public static string StateKey(string id) => StatePrefix + id;

    /// <summary>The conversation rows alone (not their activity and timeline rows), for a query of the partition.</summary>
    public static string StateRowsFilter => TableClient.CreateQueryFilter($"RowKey ge {StatePrefix} and RowKey lt {"c."}");

    public static string ActivityKey(Conversation c) =>
        ActivityPrefix + (DateTimeOffset.MaxValue.UtcTicks - c.LastMessageAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + c.Id;

    public static string TimelineStart(string id) => TimelinePrefix + id + "-";

    public static string TimelineKey(string conversationId, DateTimeOffset at, string itemId) =>
        TimelineStart(conversationId) + at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + itemId;

    /// <summary>Exactly the shape <see cref="ActivityKey"/> makes.</summary>
    public static bool IsActivityKey(string key) =>
        key.Length == ActivityPrefix.Length + 19 + 1 + 24 && key.StartsWith(ActivityPrefix, StringComparison.Ordinal)
        && !key.AsSpan(ActivityPrefix.Length, 19).ContainsAnyExceptInRange('0', '9') && key[ActivityPrefix.Length + 19] == '-'
        && Conversation.IsId(key[(ActivityPrefix.Length + 20)..]);

    /// <summary>A timeline key of this conversation: its prefix, 19 digits, a dash and an item id of safe characters.</summary>
    public static bool IsTimelineKey(string conversationId, string key)
    {
        var start = TimelineStart(conversationId);
        if (!key.StartsWith(start, StringComparison.Ordinal) || key.Length < start.Length + 21 || key.Length > start.Length + 120) return false;
        var rest = key.AsSpan(start.Length);
        return !rest[..19].ContainsAnyExceptInRange('0', '9') && rest[19] == '-'
            && rest[20..].ToString().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    public static TableEntity ToRow(Conversation c, string rowKey) => new(c.TenantId, rowKey)
    {
        ["Id"] = c.Id, ["IntegrationId"] = c.IntegrationId, ["Provider"] = c.Provider, ["CustomerId"] = c.CustomerId,
        ["CustomerName"] = c.CustomerName, ["Recipient"] = c.Recipient, ["Status"] = Conversation.StatusName(c.Status),
        ["HumanUntil"] = c.HumanUntil, ["Unread"] = c.Unread, ["LastMessageAt"] = c.LastMessageAt,
        ["LastCustomerMessageAt"] = c.LastCustomerMessageAt, ["LastMessagePreview"] = c.LastMessagePreview, ["MessagesCount"] = c.MessagesCount,
    };

    public static Conversation FromRow(TableEntity e) => new(
        e.PartitionKey, e.GetString("Id"), e.GetInt32("IntegrationId") ?? 0, e.GetString("Provider") ?? "", e.GetString("CustomerId") ?? "",
        e.GetString("CustomerName") ?? "", e.GetString("Recipient") ?? "", Conversation.ParseStatus(e.GetString("Status")) ?? ConversationStatus.Agent,
        e.GetDateTimeOffset("HumanUntil"), e.GetInt32("Unread") ?? 0, e.GetDateTimeOffset("LastMessageAt") ?? default,
        e.GetDateTimeOffset("LastCustomerMessageAt") ?? default, e.GetString("LastMessagePreview") ?? "", e.GetInt32("MessagesCount") ?? 0)
    {
        ETag = e.ETag.ToString(),
    };
}
