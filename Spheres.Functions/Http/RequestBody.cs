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
        return ParseJson<T>(bytes);
    }

    public static T ParseJson<T>(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw ProblemException.BadRequest("The request needs a JSON body.");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ApiJson.Options)
                ?? throw ProblemException.BadRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            throw ProblemException.Validation(field, DescribeJsonError(e));
        }
    }

    // JsonException messages name .NET types; say it in the API's own words instead.
    private static string DescribeJsonError(JsonException e) => e.Message switch
    {
        var m when m.Contains("missing required properties", StringComparison.Ordinal) =>
            "Required fields are missing: " + string.Join(", ", ExtractQuoted(m)) + ".",
        var m when m.Contains("could not be converted", StringComparison.Ordinal) => "This field has the wrong type.",
        var m when m.Contains("null", StringComparison.OrdinalIgnoreCase) => "This field may not be null.",
        _ => e.Path is null or "$" ? "The body is not valid JSON." : "This value is not valid JSON for this field.",
    };

    private static IEnumerable<string> ExtractQuoted(string message) =>
        message.Split('\'').Where((_, i) => i % 2 == 1).Where(s => !s.Contains(' ', StringComparison.Ordinal));
}
