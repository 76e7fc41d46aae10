using System.Globalization;
using System.Text;
using CsvHelper;
using Spheres.Core.Problems;

namespace Spheres.Core.Reviews;

/// <summary>
/// CSV with a header row of the review field names, read as a stream (RFC 4180 by CsvHelper: quoted cells may hold
/// delimiters, quotes as <c>""</c> and line breaks), one record at a time: the body is never held whole, and reading
/// stops at the first record past the limit. The delimiter is the one the header uses: <c>,</c>, or <c>;</c> as Excel
/// writes CSV in locales whose decimal separator is a comma (uk, pl, ru, de…), or a tab; Excel's <c>sep=;</c> first line
/// is honoured. Only the parsing lives here; the fields are checked by <see cref="ReviewFields"/>.
/// </summary>
public static class ReviewCsv
{
    /// <summary>A record longer than this is not a review (text has at most 4,000 characters): refused, not buffered.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    private const int MaxHeaderChars = 1_024;
    private static readonly char[] Delimiters = [',', ';', '\t'];

    /// <summary>The records keyed by header, as they are read; 400 for a missing or unknown header, a broken quote or too many rows.</summary>
    public static async IAsyncEnumerable<IReadOnlyDictionary<string, string>> ReadAsync(TextReader reader, int maxRows,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var headerLine = await ReadHeaderLineAsync(reader, cancellationToken).ConfigureAwait(false);
        var delimiter = DelimiterOf(headerLine);
        if (headerLine.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && headerLine.Length == 5)
        {
            delimiter = headerLine[4];
            headerLine = await ReadHeaderLineAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        var header = Header(headerLine, delimiter);
        await using var csv = CsvReader.Create(reader, new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = false, // read above: its delimiter decides the file's
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true, // blank lines are not rows
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = MaxRecordBytes,
        }, leaveOpen: true);
        var rows = 0;
        while (await ReadAsync(csv, cancellationToken).ConfigureAwait(false))
        {
            if (++rows > maxRows) throw ImportLimits.TooManyRows(maxRows);
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) record[header[i]] = i < csv.FieldCount ? csv.GetString(i) : "";
            yield return record;
        }
    }

    private static async Task<bool> ReadAsync(CsvReader csv, CancellationToken cancellationToken)
    {
        try
        {
            return await csv.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw ProblemException.BadRequest(e.RecordNumber > 0
                ? $"The CSV's quoting is broken in record {e.RecordNumber}: quote whole cells, double the quotes inside them, and close every quote."
                : $"The CSV's quoting is broken, or a record is longer than {MaxRecordBytes / 1024} KB: quote whole cells and close every quote.");
        }
    }

    /// <summary>The first line, without its line break (and without a byte-order mark); 400 when there is none.</summary>
    private static async Task<string> ReadHeaderLineAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new char[1];
        while (await reader.ReadAsync(one.AsMemory(), cancellationToken).ConfigureAwait(false) == 1)
        {
            if (one[0] == '\n') break;
            if (line.Length == MaxHeaderChars) throw BadHeader();
            line.Append(one[0]);
        }
        var text = line.ToString().TrimStart('\uFEFF').TrimEnd('\r');
        return text.Length > 0
            ? text
            : throw ProblemException.BadRequest("The CSV is empty: it needs a header row (text, rating, author, source, external_id, created_at) and rows.");
    }

    /// <summary>The header names only field names, so whichever delimiter it holds is the file's; one column has none (then any will do).</summary>
    private static char DelimiterOf(string headerLine) =>
        Delimiters.Select(d => (Delimiter: d, Count: headerLine.Count(c => c == d))).Where(d => d.Count > 0).OrderByDescending(d => d.Count)
            .Select(d => d.Delimiter).FirstOrDefault(',');

    private static List<string> Header(string line, char delimiter)
    {
        var header = line.Split(delimiter).Select(h => h.Trim().Trim('"').Trim().ToLowerInvariant()).ToList();
        var unknown = header.Where(h => !ReviewFields.Names.Contains(h)).ToList();
        if (unknown.Count > 0 || !header.Contains("text") || header.Distinct().Count() != header.Count)
        {
            throw ProblemException.Validation("header",
                $"The header row must name distinct columns among {string.Join(", ", ReviewFields.Names)}, including text"
                + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown.Take(5).Select(u => u.Length > 40 ? u[..40] : u))}." : "."));
        }
        return header;
    }

    private static ProblemException BadHeader() => ProblemException.Validation("header",
        $"The first line must be the header row naming columns among {string.Join(", ", ReviewFields.Names)}.");
}

public static class ImportLimits
{
    public const int MaxRows = 1000;
    public const int MaxRejectedListed = 100;

    public static ProblemException TooManyRows(int max) =>
        ProblemException.Validation("body", $"An import holds at most {max} reviews; this one has more. Split it into several calls.");
}
