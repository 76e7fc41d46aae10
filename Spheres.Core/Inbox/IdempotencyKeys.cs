using System.Security.Cryptography;
using System.Text;
using Spheres.Core.Problems;

namespace Spheres.Core.Inbox;

/// <summary>
/// The <c>Idempotency-Key</c> request header of a human reply (draft-ietf-httpapi-idempotency-key-header). The key names one
/// reply of one conversation: the reply's id is derived from it, so a retried request finds the reply it already made instead
/// of sending the customer the same text twice.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>
    /// The key of the header, null when none was sent. The draft makes it a structured-field string (<c>"…"</c>); a bare value
    /// is taken as well. 1–255 visible ASCII characters, no quote or backslash inside; anything else is a 400 naming the header.
    /// </summary>
    public static string? Parse(IReadOnlyList<string?> values)
    {
        if (values.Count == 0) return null;
        if (values.Count > 1) throw Invalid("Send one Idempotency-Key header.");
        var key = values[0]?.Trim() ?? "";
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"') key = key[1..^1];
        if (key.Length == 0) throw Invalid("An Idempotency-Key may not be empty.");
        if (key.Length > MaxLength) throw Invalid($"An Idempotency-Key is at most {MaxLength} characters.");
        if (key.Any(c => c is < '!' or > '~' or '"' or '\\'))
            throw Invalid("An Idempotency-Key is visible ASCII characters without spaces, quotes or backslashes (a UUID is a good one).");
        return key;
    }

    /// <summary>
    /// The id of the reply a key names: <c>h</c> and 23 hex digits of SHA-256 over tenant, conversation and key (the shape of a
    /// reply id without a key), so the key itself is never a row key and the same key in another conversation is another reply.
    /// </summary>
    public static string ReplyId(string tenantId, string conversationId, string key) =>
        "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}:{conversationId}:{key}")))[..23];

    private static ProblemException Invalid(string message) => ProblemException.Validation(Header, message);
}
