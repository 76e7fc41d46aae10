using System.Text;
using Spheres.Core.Problems;

namespace Spheres.Core.Reviews;

/// <summary>
/// RFC 4180 CSV with a header row of the review field names (quoted cells may hold commas,
/// quotes as <c>""</c> and line breaks). Only the parsing lives here; the fields are checked by <see cref="ReviewFields"/>.
/// </summary>
public static class ReviewCsv
{
    /// <summary>The records keyed by header; 400 for a missing or unknown header, a broken quote or too many rows.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string csv, int maxRows)
    {
        var rows = Split(csv.StartsWith('\uFEFF') ? csv[1..] : csv);
        if (rows.Count == 0) throw ProblemException.BadRequest("The CSV is empty: it needs a header row (text, rating, author, source, external_id, created_at) and rows.");
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var unknown = header.Where(h => !ReviewFields.Names.Contains(h)).ToList();
        if (unknown.Count > 0 || !header.Contains("text") || header.Distinct().Count() != header.Count)
        {
            throw ProblemException.Validation("header",
                $"The header row must name distinct columns among {string.Join(", ", ReviewFields.Names)}, including text"
                + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown.Take(5))}." : "."));
        }
        var records = rows.Skip(1).Where(r => !(r.Count == 1 && r[0].Length == 0)).ToList(); // blank lines are not rows
        if (records.Count > maxRows) throw ImportLimits.TooManyRows(records.Count, maxRows);
        return records.Select(r =>
        {
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) record[header[i]] = i < r.Count ? r[i] : "";
            return (IReadOnlyDictionary<string, string>)record;
        }).ToList();
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

public static class ImportLimits
{
    public const int MaxRows = 1000;
    public const int MaxRejectedListed = 100;

    public static ProblemException TooManyRows(int count, int max) =>
        ProblemException.Validation("body", $"An import holds at most {max} reviews; this one has {count}. Split it into several calls.");
}
