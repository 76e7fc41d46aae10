using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spheres.Core.Problems;

namespace Spheres.Functions.Http;

/// <summary>Reads request bodies within a size limit and turns malformed JSON into field errors.</summary>
public static class RequestBody
{
    public const int DefaultLimitBytes = 1024 * 1024;

    /// <summary>The raw bytes, refusing more than <paramref name="limitBytes"/> (413) before reading them all.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, int limitBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limitBytes)
        {
            throw ProblemException.TooLarge(limitBytes);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limitBytes)
            {
                throw ProblemException.TooLarge(limitBytes);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken, int limitBytes = DefaultLimitBytes)
    {
        var bytes = await ReadBytesAsync(request, limitBytes, cancellationToken).ConfigureAwait(false);
        RequireJson(request, bytes.Length);
        return ParseJson<T>(bytes);
    }

    /// <summary>
    /// 415 for a body that does not say it is JSON (<c>application/json</c> or a <c>+json</c> type): a <c>text/plain</c> body
    /// is what <c>fetch</c> sends when a client forgets the header, and reading it as JSON anyway hides that mistake.
    /// </summary>
    public static void RequireJson(HttpRequest request, long bodyLength)
    {
        if (request.ContentType is null && bodyLength == 0) return; // no body at all: the caller says what is missing
        if (!IsJson(request.ContentType))
        {
            throw UnsupportedMediaType("application/json");
        }
    }

    public static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    public static ProblemException UnsupportedMediaType(string expected) =>
        new(415, "unsupported-media-type", "Unsupported media type.", $"Send the body as {expected} (the Content-Type header says what it is).");

    /// <summary>
    /// A body that is a JSON array. Errors name items as <c>{itemsField}[2].weekday</c>, so they read
    /// like the validation errors of the same items; a null item is left for the caller to report.
    /// </summary>
    public static async Task<IReadOnlyList<T?>> ReadJsonArrayAsync<T>(
        HttpRequest request, string itemsField, CancellationToken cancellationToken, int limitBytes = DefaultLimitBytes) where T : class
    {
        var bytes = await ReadBytesAsync(request, limitBytes, cancellationToken).ConfigureAwait(false);
        RequireJson(request, bytes.Length);
        if (bytes.Length == 0)
        {
            throw ProblemException.BadRequest("The request needs a JSON array as its body.");
        }
        try
        {
            RejectRepeatedNames(bytes);
            return JsonSerializer.Deserialize<List<T?>>(bytes, ApiJson.Options)
                ?? throw ProblemException.BadRequest("The request body must be a JSON array, not null.");
        }
        catch (JsonException e)
        {
            var (field, message) = DescribeJsonError(e, "array");
            throw ProblemException.Validation(field.StartsWith('[') ? itemsField + field : field, message);
        }
    }

    public static T ParseJson<T>(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw ProblemException.BadRequest("The request needs a JSON body.");
        }
        try
        {
            RejectRepeatedNames(bytes);
            return JsonSerializer.Deserialize<T>(bytes, ApiJson.Options)
                ?? throw ProblemException.BadRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            var (field, message) = DescribeJsonError(e, "object");
            throw ProblemException.Validation(field, message);
        }
    }

    /// <summary>
    /// <c>{"a":1,"a":2}</c> at any depth is ambiguous and refused (400). The serializer checks its own
    /// objects, but a <c>JsonObject</c> field (settings, credentials) would only fail when first read.
    /// </summary>
    private static void RejectRepeatedNames(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        var names = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: names.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                case JsonTokenType.EndObject: names.Pop(); break;
                case JsonTokenType.PropertyName when !names.Peek().Add(reader.GetString()!):
                    throw new JsonException($"The property '{reader.GetString()}' appears twice in one object.", "$", null, null);
            }
        }
    }

    // JsonException messages name .NET types; say it in the API's own words instead.
    private static (string Field, string Message) DescribeJsonError(JsonException e, string rootKind)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return field == "body"
                ? ("body", $"The body must be a JSON {rootKind}.")
                : (field, "This field has the wrong type.");
        }
        if (e.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            return ("body", "Required fields are missing: " + string.Join(", ", ExtractQuoted(e.Message)) + ".");
        }
        if (e.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && field != "body")
        {
            return (field, "This field may not be null.");
        }
        if (e.Message.Contains("appears twice", StringComparison.Ordinal))
        {
            return ("body", e.Message);
        }
        return ("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
    }

    private static IEnumerable<string> ExtractQuoted(string message) =>
        message.Split('\'').Where((_, i) => i % 2 == 1).Where(s => !s.Contains(' ', StringComparison.Ordinal) && !s.Contains('.', StringComparison.Ordinal));
}
