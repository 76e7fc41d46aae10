using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;

namespace Spheres.Functions.Reviews;

/// <summary>
/// Reads an import body (a JSON array, or <c>text/csv</c> with a header row) as a stream: one row at a time, each checked on
/// its own, and reading stops at the first row past <see cref="ImportLimits.MaxRows"/> (400, nothing stored) or the first
/// byte past <see cref="LimitBytes"/> (413). What is held is the checked rows, never the body: an 8 MB body of empty lines
/// costs what one row does.
/// </summary>
public static class ReviewImportBody
{
    public const int LimitBytes = 8 * 1024 * 1024;

    /// <summary>Charsets a CSV may name besides UTF-8: what Excel's plain "CSV" is written in by uk/ru and pl Windows.</summary>
    private static readonly string[] Charsets = ["utf-8", "windows-1251", "windows-1250"];

    static ReviewImportBody() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static async Task<(List<(int Index, ReviewInput Input)> Valid, List<RejectedRow> Rejected)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > LimitBytes) throw ProblemException.TooLarge(LimitBytes);
        var body = new BoundedReadStream(request.Body, LimitBytes);
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
            using var reader = new StreamReader(body, EncodingOf(request.ContentType), detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024);
            var index = 0;
            try
            {
                await foreach (var record in ReviewCsv.ReadAsync(reader, ImportLimits.MaxRows, cancellationToken).ConfigureAwait(false))
                {
                    var row = record;
                    Check(index++, errors => ReviewFields.FromCsv(row, errors));
                }
            }
            catch (DecoderFallbackException)
            {
                throw ProblemException.BadRequest("The CSV is not UTF-8: save it as \"CSV UTF-8\", or name its charset (text/csv; charset=windows-1251).");
            }
            return (valid, rejected);
        }

        if (request.ContentLength == 0) throw EmptyBody();
        if (!Http.RequestBody.IsJson(request.ContentType)) throw Http.RequestBody.UnsupportedMediaType("application/json (a JSON array) or text/csv");
        try
        {
            var index = 0;
            await foreach (var item in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, new JsonSerializerOptions { MaxDepth = 16 },
                               cancellationToken).ConfigureAwait(false))
            {
                if (index == ImportLimits.MaxRows) throw ImportLimits.TooManyRows(ImportLimits.MaxRows);
                var element = item;
                Check(index++, errors => ReviewFields.FromJson(element, errors));
            }
            // The serializer reads a JSON null as an empty sequence; the body must be an array.
            if (index == 0 && body.FirstSignificantByte is not (byte)'[') throw ProblemException.Validation("body", "The body must be a JSON array of reviews.");
        }
        catch (JsonException) when (body.BytesRead == 0)
        {
            throw EmptyBody();
        }
        catch (JsonException e)
        {
            throw e.Path is null or "$" && e.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? ProblemException.Validation("body", "The body must be a JSON array of reviews.")
                : ProblemException.Validation("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).");
        }
        return (valid, rejected);
    }

    private static ProblemException EmptyBody() => ProblemException.BadRequest("The request needs a JSON array of reviews, or text/csv with a header row.");

    private static bool IsCsv(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("text/csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>UTF-8 unless the Content-Type names one of <see cref="Charsets"/>; invalid bytes are refused, never replaced.</summary>
    private static Encoding EncodingOf(string? contentType)
    {
        var charset = contentType?.Split(';').Skip(1).Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim().Trim('"').ToLowerInvariant()).FirstOrDefault() ?? "utf-8";
        if (charset is "utf8") charset = "utf-8";
        if (!Charsets.Contains(charset)) throw ProblemException.BadRequest($"The CSV charset may be {string.Join(", ", Charsets)}; not {(charset.Length > 32 ? charset[..32] : charset)}.");
        return charset == "utf-8"
            ? new UTF8Encoding(false, throwOnInvalidBytes: true)
            : Encoding.GetEncoding(charset, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The request body, refusing (413) the first byte past the limit while it is read.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit) : Stream
    {
        public long BytesRead { get; private set; }

        /// <summary>JSON whitespace and the bytes of a UTF-8 byte order mark.</summary>
        private static ReadOnlySpan<byte> Insignificant => [(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', 0xEF, 0xBB, 0xBF];

        /// <summary>The body's first byte that is not JSON whitespace (or a byte order mark), once read.</summary>
        public byte? FirstSignificantByte { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (FirstSignificantByte is null && buffer.Span[..read].IndexOfAnyExcept(Insignificant) is var at and >= 0) FirstSignificantByte = buffer.Span[at];
            BytesRead += read;
            return BytesRead > limit ? throw ProblemException.TooLarge(limit) : read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Request bodies are read asynchronously.");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
