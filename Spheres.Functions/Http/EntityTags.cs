using Microsoft.AspNetCore.Http;

namespace Spheres.Functions.Http;

/// <summary>
/// Table Storage ETags are weak (<c>W/"datetime'…'"</c>), and <c>If-Match</c> compares strongly.
/// The API shows them as opaque strong tags and maps them back, so a client just echoes what it got.
/// </summary>
public static class EntityTags
{
    public static string ToHttp(string storageETag) => "\"" + OpaqueText.Encode(storageETag) + "\"";

    /// <summary>
    /// The storage ETag an <c>If-Match</c> header names; null when absent or <c>*</c> ("any version",
    /// RFC 9110). An unreadable tag matches nothing.
    /// </summary>
    public static string? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        return OpaqueText.TryDecode(tag.Trim('"')) ?? "unmatchable:" + header;
    }
}

/// <summary>Paging cursors: opaque to clients; what they decode to is checked by the store that made them.</summary>
public static class PageCursors
{
    /// <summary>The page size of every paged list: <c>limit</c> 1–200, default 50.</summary>
    public const int DefaultPageSize = 50, MaxPageSize = 200;

    /// <summary>The <c>limit</c> of a paged list; a value off 1–<see cref="MaxPageSize"/> (or not a number) is an error naming it.</summary>
    public static int Limit(Microsoft.AspNetCore.Http.IQueryCollection query, Spheres.Core.Problems.FieldErrors errors)
    {
        var limit = DefaultPageSize;
        if (query["limit"].FirstOrDefault() is { } raw && (!int.TryParse(raw, out limit) || limit is < 1 or > MaxPageSize))
        {
            errors.Add("limit", $"Give a page size from 1 to {MaxPageSize}.");
            return DefaultPageSize;
        }
        return limit;
    }

    public static string Encode(string position) => OpaqueText.Encode(position);

    public static string? Decode(string? cursor, Spheres.Core.Problems.FieldErrors errors)
    {
        if (cursor is null) return null;
        if (cursor.Length == 0)
        {
            errors.Add("cursor", "Give a value, or leave the parameter out."); // one rule for every query parameter given empty
            return null;
        }
        if (cursor.Length <= 1024 && OpaqueText.TryDecode(cursor) is { } position) return position;
        errors.Add("cursor", "Not a cursor this API gave out; start again without it.");
        return null;
    }
}

/// <summary>Server-side text (ETags, cursors) handed to clients as opaque URL-safe base64.</summary>
public static class OpaqueText
{
    public static string Encode(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The text back, or null when <paramref name="opaque"/> is not something <see cref="Encode"/> made.</summary>
    public static string? TryDecode(string opaque)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(opaque));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
