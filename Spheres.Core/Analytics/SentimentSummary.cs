using NodaTime;
using NodaTime.Text;
using Spheres.Core.Reviews;

namespace Spheres.Core.Analytics;

public sealed record SentimentWeek(string WeekStart, int Positive, int Neutral, int Negative);

/// <summary>An aspect reviews talk about: how many reviews, which share of them speak badly of it, and a few of those.</summary>
public sealed record AspectSummary(string Label, int Count, double NegativeShare, IReadOnlyList<string> Examples);

/// <summary><c>total</c> counts every review of the period; the three labels count the analysed ones.</summary>
public sealed record SentimentReport(
    int Total, int Positive, int Neutral, int Negative, double? AverageRating, IReadOnlyList<SentimentWeek> ByWeek, IReadOnlyList<AspectSummary> Aspects);

/// <summary>
/// Folds a period's reviews into counts, a weekly trend (weeks start on Monday in the profile's zone, every week
/// of the period listed, empty ones as zeros) and the aspects, worst first: most negative mentions, then most mentions.
/// </summary>
public sealed class SentimentSummary(AnalyticsPeriod period)
{
    public const int ExamplesPerAspect = 3;
    public const int MaxExampleLength = 200;

    private readonly Dictionary<LocalDate, int[]> _weeks = [];
    private readonly Dictionary<string, AspectTally> _aspects = new(StringComparer.Ordinal);
    private readonly int[] _labels = new int[3];
    private int _total;
    private int _rated;
    private long _ratingSum;

    private sealed class AspectTally
    {
        public int Count;
        public int Negative;
        public readonly List<string> Examples = [];
    }

    public void Add(Review review)
    {
        _total++;
        if (review.Rating is { } rating)
        {
            _rated++;
            _ratingSum += rating;
        }
        if (review.Sentiment is { } sentiment && IndexOf(sentiment.Label) is var label and >= 0)
        {
            _labels[label]++;
            var week = WeekStart(Instant.FromDateTimeOffset(review.CreatedAt).InZone(period.Zone).Date);
            if (!_weeks.TryGetValue(week, out var counts)) _weeks[week] = counts = new int[3];
            counts[label]++;
        }
        foreach (var aspect in review.Aspects.DistinctBy(a => a.Label))
        {
            if (!_aspects.TryGetValue(aspect.Label, out var tally)) _aspects[aspect.Label] = tally = new AspectTally();
            tally.Count++;
            if (aspect.Sentiment != ReviewSentiment.Negative) continue;
            tally.Negative++;
            if (tally.Examples.Count < ExamplesPerAspect) tally.Examples.Add(Shortened(review.Text));
        }
    }

    public SentimentReport Report()
    {
        var weeks = new List<SentimentWeek>();
        for (var week = WeekStart(period.From); week <= period.To; week = week.PlusWeeks(1))
        {
            var counts = _weeks.GetValueOrDefault(week) ?? new int[3];
            weeks.Add(new SentimentWeek(LocalDatePattern.Iso.Format(week), counts[0], counts[1], counts[2]));
        }
        var aspects = _aspects.OrderByDescending(a => a.Value.Negative).ThenByDescending(a => a.Value.Count).ThenBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new AspectSummary(a.Key, a.Value.Count, PeakHoursGrid.Share(a.Value.Negative, a.Value.Count), a.Value.Examples))
            .ToList();
        double? average = _rated == 0 ? null : Math.Round((double)_ratingSum / _rated, 2);
        return new SentimentReport(_total, _labels[0], _labels[1], _labels[2], average, weeks, aspects);
    }

    private static int IndexOf(string label) => label switch
    {
        ReviewSentiment.Positive => 0,
        ReviewSentiment.Neutral => 1,
        ReviewSentiment.Negative => 2,
        _ => -1,
    };

    private static LocalDate WeekStart(LocalDate date) => date.PlusDays(-((int)date.DayOfWeek - 1));

    private static string Shortened(string text) => text.Length <= MaxExampleLength ? text : text[..(MaxExampleLength - 1)] + "…";
}
