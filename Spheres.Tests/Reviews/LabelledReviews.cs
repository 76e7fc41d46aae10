using System.Globalization;

namespace Spheres.Tests.Reviews;

/// <summary>
/// The hand-labelled reviews in Reviews/Data (uk, ru, pl, en; written for this project). The label is
/// what a reader concludes from text and stars together. <c>dev</c> rows were used to tune the lexicon
/// and weights; <c>test</c> rows were not looked at while tuning, and the figures in docs/analytics.md come from them.
/// </summary>
public sealed record LabelledReview(string Language, string Split, int? Rating, string Label, string Text)
{
    public static readonly IReadOnlyList<string> Languages = ["uk", "ru", "pl", "en"];

    public static IReadOnlyList<LabelledReview> All { get; } = Load();

    /// <summary>The rule a star rating alone gives: 4–5 positive, 1–2 negative, else neutral.</summary>
    public string RatingOnlyLabel => Rating switch { >= 4 => "positive", <= 2 and >= 1 => "negative", _ => "neutral" };

    private static List<LabelledReview> Load() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reviews", "Data"), "reviews.*.tsv")
            .SelectMany(File.ReadLines)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new LabelledReview(f[0], f[1], f[2].Length == 0 ? null : int.Parse(f[2], CultureInfo.InvariantCulture), f[3], f[4]))
            .ToList();
}
