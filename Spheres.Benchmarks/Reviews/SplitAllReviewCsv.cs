using System.Text;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;

namespace Spheres.Benchmarks.Reviews;

/// <summary>
/// The baseline of the <c>csv-import</c> mode: the import as it was before it streamed (kept here only to be measured
/// against). The whole body is copied into a buffer, decoded into one string, split into every row and cell, and only
/// then counted against the 1,000-row limit and checked.
/// </summary>
public static class SplitAllReviewCsv
{
    public static async Task<int> ImportAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        var csv = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        var rows = Split(csv.StartsWith('\uFEFF') ? csv[1..] : csv);
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var records = rows.Skip(1).Where(r => !(r.Count == 1 && r[0].Length == 0)).ToList();
        if (records.Count > ImportLimits.MaxRows) throw ImportLimits.TooManyRows(ImportLimits.MaxRows);
        var valid = 0;
        foreach (var r in records)
        {
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) record[header[i]] = i < r.Count ? r[i] : "";
            var errors = new FieldErrors();
            ReviewFields.FromCsv(record, errors);
            if (!errors.Any) valid++;
        }
        return valid;
    }

    private static List<List<string>> Split(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
                continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0: quoted = true; break;
                case ',': row.Add(cell.ToString()); cell.Clear(); break;
                case '\r': break;
                case '\n': row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; break;
                default: cell.Append(c); break;
            }
        }
        if (quoted) throw ProblemException.BadRequest("The CSV has a quoted cell that never ends.");
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
