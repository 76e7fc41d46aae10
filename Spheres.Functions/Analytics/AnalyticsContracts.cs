using Spheres.Core.Analytics;

namespace Spheres.Functions.Analytics;

/// <summary>One hour of the week: weekday 0 = Monday, hour 0–23 local, how many messages were sent in it.</summary>
public sealed record HourCellJson(int Weekday, int Hour, int Count);

/// <summary>A busiest hour; share is of all messages in the period.</summary>
public sealed record PeakSlotJson(int Weekday, int Hour, int Count, double Share);

/// <summary>Messages sent while the integration's working hours were closed, and their share of all.</summary>
public sealed record OutsideHoursJson(int Count, double Share);

public sealed record PeakHoursJson(
    string Timezone, string From, string To, int Total, IReadOnlyList<HourCellJson> Cells, IReadOnlyList<PeakSlotJson> Peaks, OutsideHoursJson OutsideHours)
{
    public static PeakHoursJson Of(PeakHoursReport r) => new(r.Timezone, r.From, r.To, r.Total,
        r.Cells.Select(c => new HourCellJson(c.Weekday, c.Hour, c.Count)).ToList(),
        r.Peaks.Select(p => new PeakSlotJson(p.Weekday, p.Hour, p.Count, p.Share)).ToList(),
        new OutsideHoursJson(r.OutsideHours.Count, r.OutsideHours.Share));
}

/// <summary>Analysed reviews created in the week starting on <c>week_start</c> (a Monday, local).</summary>
public sealed record SentimentWeekJson(string WeekStart, int Positive, int Neutral, int Negative);

/// <summary>An aspect: reviews naming it, the share of those negative about it, and up to three of those.</summary>
public sealed record AspectSummaryJson(string Label, int Count, double NegativeShare, IReadOnlyList<string> Examples);

/// <summary><c>total</c> counts every review of the period; the labels count the analysed ones; <c>average_rating</c> is null without ratings.</summary>
public sealed record SentimentAnalyticsJson(
    int Total, int Positive, int Neutral, int Negative, double? AverageRating, IReadOnlyList<SentimentWeekJson> ByWeek, IReadOnlyList<AspectSummaryJson> Aspects)
{
    public static SentimentAnalyticsJson Of(SentimentReport r) => new(r.Total, r.Positive, r.Neutral, r.Negative, r.AverageRating,
        r.ByWeek.Select(w => new SentimentWeekJson(w.WeekStart, w.Positive, w.Neutral, w.Negative)).ToList(),
        r.Aspects.Select(a => new AspectSummaryJson(a.Label, a.Count, a.NegativeShare, a.Examples)).ToList());
}

public sealed record HourCountJson(int Hour, int Count);

/// <summary>
/// extend_hours: weekday, hours (closed hours customers wrote in), customers (different senders), count and share of all messages.
/// answer_top_question: question (the group's label), count and share of the period's questions, languages, examples (the representative first).
/// fix_aspect: aspect, count of negative reviews, share of the reviews naming it, examples.
/// </summary>
public sealed record RecommendationEvidenceJson(
    int Count, double Share, int? Weekday, IReadOnlyList<HourCountJson>? Hours, int? Customers, string? Aspect, IReadOnlyList<string>? Examples,
    string? Question, IReadOnlyList<string>? Languages);

/// <summary><c>kind</c>: extend_hours, answer_top_question or fix_aspect; <c>priority</c>: high, medium or low.</summary>
public sealed record RecommendationJson(string Kind, string Priority, string Title, string Detail, RecommendationEvidenceJson Evidence)
{
    public static RecommendationJson Of(Recommendation r) => new(r.Kind, r.Priority, r.Title, r.Detail,
        new RecommendationEvidenceJson(r.Evidence.Count, r.Evidence.Share, r.Evidence.Weekday,
            r.Evidence.Hours?.Select(h => new HourCountJson(h.Hour, h.Count)).ToList(), r.Evidence.Customers, r.Evidence.Aspect, r.Evidence.Examples,
            r.Evidence.Question, r.Evidence.Languages));
}

/// <summary>
/// A group of questions of one meaning: a short label from its content, how many questions and their share of all the
/// period's questions, the most typical one, up to three others (other languages first), languages by frequency, every member's id.
/// </summary>
public sealed record QuestionClusterJson(
    string Label, int Count, double Share, string Representative, IReadOnlyList<string> Examples, IReadOnlyList<string> Languages, IReadOnlyList<string> MessageIds);

/// <summary><c>total</c>: the period's customer questions grouped (greetings and thanks left out); clusters of two or more, largest first.</summary>
public sealed record TopQuestionsJson(int Total, IReadOnlyList<QuestionClusterJson> Clusters)
{
    public static TopQuestionsJson Of(Spheres.Core.Analytics.Questions.TopQuestionsReport r) => new(r.Total,
        r.Clusters.Select(c => new QuestionClusterJson(c.Label, c.Count, c.Share, c.Representative, c.Examples, c.Languages, c.MessageIds)).ToList());
}
