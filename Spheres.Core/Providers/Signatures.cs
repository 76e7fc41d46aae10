using System.Security.Cryptography;
using System.Text;

namespace Spheres.Core.Providers;

/// <summary>HMAC checks over raw body bytes, compared in constant time.</summary>
public static class Signatures
{
    public static byte[] HmacSha256(string key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), data);

    public static byte[] HmacSha256(string key, string prefix, ReadOnlySpan<byte> body)
    {
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var data = new byte[prefixBytes.Length + body.Length];
        prefixBytes.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefixBytes.Length));
        return HmacSha256(key, data);
    }

    /// <summary>True when <paramref name="givenHex"/> is the lowercase or uppercase hex of <paramref name="expected"/>.</summary>
    public static bool HexMatches(byte[] expected, string? givenHex)
    {
        if (givenHex is null || givenHex.Length != expected.Length * 2) return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(givenHex));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool Base64Matches(byte[] expected, string? givenBase64)
    {
        if (string.IsNullOrEmpty(givenBase64)) return false;
        var buffer = new byte[givenBase64.Length];
        return Convert.TryFromBase64String(givenBase64, buffer, out var written)
            && CryptographicOperations.FixedTimeEquals(expected, buffer.AsSpan(0, written));
    }

    public static bool TextMatches(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
