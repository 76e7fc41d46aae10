using System.Text;
using Microsoft.AspNetCore.Http;

namespace Spheres.Functions.Http;

/// <summary>
/// Table Storage ETags are weak (<c>W/"datetime'…'"</c>), and <c>If-Match</c> compares strongly.
/// The API shows them as opaque strong tags and maps them back, so a client just echoes what it got.
/// </summary>
public static class EntityTags
{
    public static string ToHttp(string storageETag) =>
        "\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(storageETag)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";

    /// <summary>The storage ETag an <c>If-Match</c> header names; null when absent. An unreadable tag matches nothing.</summary>
    public static string? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header)) return null;
        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        tag = tag.Trim('"').Replace('-', '+').Replace('_', '/');
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(tag.PadRight(tag.Length + (4 - tag.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            return "unmatchable:" + header;
        }
    }
}
