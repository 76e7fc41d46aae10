using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Spheres.Core.Inbox;

/// <summary>Who answers a conversation (API.md, Inbox): the agent, a human who took over, or nobody (closed).</summary>
public enum ConversationStatus { Agent, Human, Closed }

/// <summary>The inbox's settings (section <c>Spheres:Inbox</c>).</summary>
public sealed class InboxOptions
{
    public const string Section = "Spheres:Inbox"; // SettingNames.InboxHandbackHours

    /// <summary>How long after a human's last reply the agent takes the conversation back by itself.</summary>
    [Range(1, 720, ErrorMessage = "Spheres:Inbox:HandbackHours must be a number of hours from 1 to 720.")]
    public int HandbackHours { get; set; } = 24;
}

/// <summary>
/// One customer on one integration, as stored. <see cref="HumanUntil"/> is when a <c>human</c> conversation falls back to
/// the agent by itself (its last human reply plus <c>HandbackHours</c>), so the timeout needs no timer: <see cref="StatusAt"/> reads it.
/// </summary>
public sealed record Conversation(
    string TenantId,
    string Id,
    int IntegrationId,
    string Provider,
    string CustomerId,
    string CustomerName,
    string Recipient,
    ConversationStatus Status,
    DateTimeOffset? HumanUntil,
    int Unread,
    DateTimeOffset LastMessageAt,
    DateTimeOffset LastCustomerMessageAt,
    string LastMessagePreview,
    int MessagesCount)
{
    public string? ETag { get; init; }

    /// <summary>The status as of <paramref name="now"/>: a human whose time ran out has handed back to the agent.</summary>
    public ConversationStatus StatusAt(DateTimeOffset now) =>
        Status == ConversationStatus.Human && !(HumanUntil > now) ? ConversationStatus.Agent : Status;

    public static string StatusName(ConversationStatus status) => status switch
    {
        ConversationStatus.Human => "human",
        ConversationStatus.Closed => "closed",
        _ => "agent",
    };

    public static ConversationStatus? ParseStatus(string? name) => name switch
    {
        "agent" => ConversationStatus.Agent,
        "human" => ConversationStatus.Human,
        "closed" => ConversationStatus.Closed,
        _ => null,
    };

    /// <summary>
    /// The id of a customer's conversation on an integration: hashed, so a phone number or chat id is never a key or a URL,
    /// and the same customer always lands in the same conversation.
    /// </summary>
    public static string IdOf(int integrationId, string customerId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{integrationId}:{customerId}")))[..24];

    /// <summary>Conversation ids are 24 lowercase hex digits (<see cref="IdOf"/>); anything else is not one, before it reaches a key.</summary>
    public static bool IsId(string? id) => id is { Length: 24 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Meta lets a business write only within 24 hours of the customer's last message (the customer service window).</summary>
    public static readonly TimeSpan MetaWindow = TimeSpan.FromHours(24);

    public static bool HasMetaWindow(string provider) => provider is "messenger" or "instagram" or "whatsapp";

    public const int MaxPreviewLength = 120;

    public static string Preview(string text) => text.Length <= MaxPreviewLength ? text : text[..MaxPreviewLength];
}
