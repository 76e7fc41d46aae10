namespace Spheres.Core.Analytics;

public sealed record HourCount(int Hour, int Count);

/// <summary>
/// What a recommendation rests on. <c>extend_hours</c> fills weekday, hours (the closed hours customers wrote in)
/// and count/share of all messages; <c>fix_aspect</c> fills aspect, count (negative reviews), share (of the reviews
/// naming it) and examples; <c>answer_top_question</c> fills question (the cluster's label), count and share (of the
/// period's questions), languages and examples.
/// </summary>
public sealed record RecommendationEvidence(
    int Count, double Share, int? Weekday = null, IReadOnlyList<HourCount>? Hours = null, int? Customers = null, string? Aspect = null,
    IReadOnlyList<string>? Examples = null, string? Question = null, IReadOnlyList<string>? Languages = null);

/// <summary><c>priority</c> is <c>high</c>, <c>medium</c> or <c>low</c>; the list comes most urgent first.</summary>
public sealed record Recommendation(string Kind, string Priority, string Title, string Detail, RecommendationEvidence Evidence);

/// <summary>
/// Turns the period's peak hours and sentiment into advice the owner can act on, each with its evidence.
/// Rules, not a model: a weekday whose closed hours drew at least <see cref="MinOutsideMessages"/> messages asks
/// for longer hours (the three busiest such weekdays), each of the (at most three) largest groups of at least
/// <see cref="MinRepeatedQuestions"/> questions asks for an answer the agent knows, and the aspect with the most
/// negative reviews asks to be fixed.
/// </summary>
public static class Recommendations
{
    public const string ExtendHours = "extend_hours";
    public const string FixAspect = "fix_aspect";
    public const string AnswerTopQuestion = "answer_top_question";
    public const int MinRepeatedQuestions = 3;
    public const int MaxAnswerTopQuestion = 3;
    public const int MinOutsideMessages = 3;
    public const int MaxExtendHours = 3;

    public static IReadOnlyList<Recommendation> For(
        PeakHoursReport peaks, SentimentReport sentiment, Questions.TopQuestionsReport questions, RecommendationText text)
    {
        var advice = new List<Recommendation>();
        var closedDays = peaks.OutsideCells.Where(c => c.Count > 0).GroupBy(c => c.Weekday)
            .Select(day => (Weekday: day.Key, Count: day.Sum(c => c.Count), Hours: day.Select(c => new HourCount(c.Hour, c.Count)).ToList()))
            .Where(day => day.Count >= MinOutsideMessages)
            .OrderByDescending(day => day.Count).ThenBy(day => day.Weekday)
            .Take(MaxExtendHours);
        foreach (var day in closedDays)
        {
            var share = PeakHoursGrid.Share(day.Count, peaks.Total);
            var busiest = BusiestRun(day.Hours);
            var customers = peaks.OutsideCustomers[day.Weekday];
            advice.Add(new Recommendation(ExtendHours, share >= 0.10 ? "high" : share >= 0.03 ? "medium" : "low",
                text.ExtendHoursTitle(day.Weekday), text.ExtendHoursDetail(day.Weekday, day.Count, customers, busiest.From, busiest.To, share),
                new RecommendationEvidence(day.Count, share, Weekday: day.Weekday, Hours: day.Hours, Customers: customers)));
        }

        foreach (var cluster in questions.Clusters.Where(c => c.Count >= MinRepeatedQuestions).Take(MaxAnswerTopQuestion))
        {
            advice.Add(new Recommendation(AnswerTopQuestion, cluster.Share >= 0.15 ? "high" : cluster.Share >= 0.05 ? "medium" : "low",
                text.AnswerQuestionTitle(cluster.Label), text.AnswerQuestionDetail(cluster.Count, cluster.Share, cluster.Representative),
                new RecommendationEvidence(cluster.Count, cluster.Share, Examples: [cluster.Representative, .. cluster.Examples],
                    Question: cluster.Label, Languages: cluster.Languages)));
        }

        if (sentiment.Aspects.FirstOrDefault(a => a.NegativeShare > 0) is { } worst)
        {
            var negative = (int)Math.Round(worst.Count * worst.NegativeShare);
            advice.Add(new Recommendation(FixAspect, worst.NegativeShare >= 0.5 && negative >= 3 ? "high" : negative >= 2 ? "medium" : "low",
                text.FixAspectTitle(worst.Label), text.FixAspectDetail(worst.Label, negative, worst.Count),
                new RecommendationEvidence(negative, worst.NegativeShare, Aspect: worst.Label, Examples: worst.Examples)));
        }
        return [.. advice.OrderBy(a => a.Priority switch { "high" => 0, "medium" => 1, _ => 2 })];
    }

    /// <summary>The run of consecutive hours (given sorted or not) holding the most messages, as [From, To) hours.</summary>
    private static (int From, int To) BusiestRun(IReadOnlyList<HourCount> hours)
    {
        var sorted = hours.OrderBy(h => h.Hour).ToList();
        (int From, int To, int Count) best = (sorted[0].Hour, sorted[0].Hour + 1, 0), run = best;
        foreach (var hour in sorted)
        {
            run = hour.Hour == run.To ? (run.From, hour.Hour + 1, run.Count + hour.Count) : (hour.Hour, hour.Hour + 1, hour.Count);
            if (run.Count > best.Count) best = run;
        }
        return (best.From, best.To);
    }
}
