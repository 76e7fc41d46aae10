using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Functions.Http;

namespace Spheres.Functions.Reviews;

/// <summary>
/// Reads an import body (a JSON array, or <c>text/csv</c> with a header row), refuses more than
/// <see cref="ImportLimits.MaxRows"/> rows before checking any, then checks each row on its own.
/// </summary>
public static class ReviewImportBody
{
    public const int LimitBytes = 8 * 1024 * 1024;

    public static async Task<(List<(int Index, ReviewInput Input)> Valid, List<RejectedRow> Rejected)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await RequestBody.ReadBytesAsync(request, LimitBytes, cancellationToken);
        var valid = new List<(int, ReviewInput)>();
        var rejected = new List<RejectedRow>();
        void Check(int index, Func<FieldErrors, ReviewInput> read)
        {
            var errors = new FieldErrors();
            var input = read(errors);
            if (errors.Any) rejected.Add(new RejectedRow(index, errors.ToDictionary()));
            else valid.Add((index, input));
        }

        if (IsCsv(request.ContentType))
        {
            var records = ReviewCsv.Parse(DecodeUtf8(bytes), ImportLimits.MaxRows);
            for (var i = 0; i < records.Count; i++) Check(i, errors => ReviewFields.FromCsv(records[i], errors));
            return (valid, rejected);
        }

        if (bytes.Length == 0) throw ProblemException.BadRequest("The request needs a JSON array of reviews, or text/csv with a header row.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw ProblemException.Validation("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw ProblemException.Validation("body", "The body must be a JSON array of reviews.");
            var count = document.RootElement.GetArrayLength();
            if (count > ImportLimits.MaxRows) throw ImportLimits.TooManyRows(count, ImportLimits.MaxRows);
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var element = item;
                Check(index++, errors => ReviewFields.FromJson(element, errors));
            }
        }
        return (valid, rejected);
    }

    private static bool IsCsv(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("text/csv", StringComparison.OrdinalIgnoreCase);

    private static string DecodeUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw ProblemException.BadRequest("The CSV must be UTF-8.");
        }
    }
}
