using System.Security.Cryptography;
using System.Text;

namespace Spheres.Core.Accounts.Sessions;

/// <summary>
/// A secret handed to a client (refresh token, password-reset token): <c>{tenant id}.{256 random bits}</c>.
/// The tenant id only says which partition holds its row; the row is keyed by a SHA-256 of the
/// secret, so storage never holds a usable token.
/// </summary>
public sealed record OpaqueToken(string TenantId, string Secret)
{
    private const int SecretBytes = 32;
    private const int SecretChars = 43; // base64url of 32 bytes, unpadded

    public static OpaqueToken New(string tenantId) =>
        new(tenantId, System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>The token back from its text, or null when it cannot be one we issued (checked before it reaches a key).</summary>
    public static OpaqueToken? TryParse(string? text)
    {
        if (text is null || text.Length != 32 + 1 + SecretChars || text[32] != '.') return null;
        var tenantId = text[..32];
        var secret = text[33..];
        if (!ProfileService.IsTenantId(tenantId) || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        return new OpaqueToken(tenantId, secret);
    }

    /// <summary>The row key part that stands for the secret.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Secret)));

    public override string ToString() => TenantId + "." + Secret;
}
