using Spheres.Core.Sentiment;

namespace Spheres.Core.Reviews;

/// <summary>
/// Sentiment of a review from its text and rating together: the text as <see cref="TextSentiment"/> reads it, with the
/// rating as a prior the text can overrule (five stars with "the colour came out ruined" is negative). Aspects take the
/// polarity of the clauses naming them.
/// </summary>
public static class ReviewSentimentAnalyzer
{
    /// <summary>Above this score a review is positive, below its negative negative.</summary>
    public const double Threshold = 0.25;

    public static (ReviewSentiment Sentiment, IReadOnlyList<ReviewAspect> Aspects) Analyze(string text, int? rating)
    {
        var (textScore, evidence, clauseScores, clauseAspects, weight) = TextSentiment.ReadText(text);
        var prior = rating switch { 1 => -1.0, 2 => -0.7, 3 => -0.1, 4 => 0.45, 5 => 0.75, _ => 0.0 };
        // The more the text says, the less the stars matter; a text with no opinion words leaves the rating alone.
        var textWeight = rating is null ? 1.0 : Math.Min(0.85, 0.35 + 0.15 * weight);
        var score = evidence == 0 ? prior : textWeight * textScore + (1 - textWeight) * prior;
        score = Math.Round(Math.Clamp(score, -1, 1), 3);
        var label = score > Threshold ? ReviewSentiment.Positive : score < -Threshold ? ReviewSentiment.Negative : ReviewSentiment.Neutral;

        var aspects = clauseAspects
            .GroupBy(a => a.Label)
            .Select(g =>
            {
                var s = g.Sum(a => clauseScores[a.Clause]);
                var polarity = s > 0.1 ? ReviewSentiment.Positive : s < -0.1 ? ReviewSentiment.Negative : label;
                return new ReviewAspect(g.Key, polarity);
            })
            .OrderBy(a => a.Label, StringComparer.Ordinal)
            .ToList();
        return (new ReviewSentiment(label, score), aspects);
    }

}
