using NodaTime;
using Spheres.Core.Analytics;

namespace Spheres.Tests.Analytics;

/// <summary>The rules that turn peak hours, top questions and sentiment into advice, without storage.</summary>
public sealed class RecommendationRuleTests
{
    private static readonly DateTimeZone Kyiv = DateTimeZoneProviders.Tzdb["Europe/Kyiv"];

    private static readonly AnalyticsPeriod Week =
        new AnalyticsQuery(new LocalDate(2026, 11, 9), new LocalDate(2026, 11, 15), null).Resolve(Kyiv, Instant.FromUtc(2026, 11, 27, 12, 0));

    /// <summary>Messages at local times of the week of 2026-11-09, each (weekday, hour, closed?, sender).</summary>
    private static PeakHoursReport Peaks(params (int Weekday, int Hour, bool Closed, string Sender)[] messages)
    {
        var grid = new PeakHoursGrid(Kyiv);
        foreach (var m in messages)
            grid.Add(new LocalDate(2026, 11, 9).PlusDays(m.Weekday).At(new LocalTime(m.Hour, 10)).InZoneStrictly(Kyiv).ToInstant(), m.Closed, m.Sender);
        return grid.Report(Week);
    }

    private static readonly SentimentReport NoReviews = new(0, 0, 0, 0, null, [], []);
    private static readonly Spheres.Core.Analytics.Questions.TopQuestionsReport NoQuestions = new(0, []);

    [Fact]
    public void Closed_demand_on_a_weekday_asks_for_longer_hours_there_in_English_outside_UA()
    {
        var peaks = Peaks((3, 19, true, "a"), (3, 19, true, "b"), (3, 20, true, "a"), (3, 22, true, "c"), (3, 12, false, "d"), (6, 10, true, "e"));

        var advice = Recommendations.For(peaks, NoReviews, NoQuestions, RecommendationText.For("PL"));

        var extend = Assert.Single(advice);
        Assert.Equal("extend_hours", extend.Kind);
        Assert.Equal("Open longer on Thursday", extend.Title);
        Assert.Equal("On Thursday 3 customers sent 4 messages while you were closed, most of them 19:00–21:00: 67% of all messages. "
                     + "Extend your hours then, or make sure the agent books them.", extend.Detail);
        Assert.Equal("high", extend.Priority);
        Assert.Equal((3, 4, 3), (extend.Evidence.Weekday, extend.Evidence.Count, extend.Evidence.Customers));
        Assert.Equal([new HourCount(19, 2), new HourCount(20, 1), new HourCount(22, 1)], extend.Evidence.Hours);
    }

    [Fact]
    public void Too_little_closed_demand_gives_no_advice_and_the_busiest_three_weekdays_come_first()
    {
        Assert.Empty(Recommendations.For(Peaks((1, 20, true, "a"), (1, 21, true, "b"), (1, 12, false, "c")), NoReviews, NoQuestions, RecommendationText.For("UA")));

        var many = Enumerable.Range(0, 7).SelectMany(day => Enumerable.Range(0, 3 + day).Select(i => (day, 21, true, $"{day}-{i}"))).ToArray();
        var advice = Recommendations.For(Peaks(many), NoReviews, NoQuestions, RecommendationText.For("UA"));
        Assert.Equal([6, 5, 4], advice.Select(a => a.Evidence.Weekday!.Value));
        Assert.Equal("Подовжте години роботи у неділю", advice[0].Title);
    }

    [Fact]
    public void The_aspect_with_most_negative_reviews_is_the_one_to_fix()
    {
        var sentiment = new SentimentReport(6, 1, 0, 5, 2.0, [],
        [
            new AspectSummary("price", 4, 0.75, ["Дорого", "Ціни завищені", "Задорого"]),
            new AspectSummary("staff", 3, 0.3333, ["Грубий адміністратор"]),
        ]);

        var fix = Assert.Single(Recommendations.For(Peaks(), sentiment, NoQuestions, RecommendationText.For("US")));

        Assert.Equal(("fix_aspect", "high", "Customers complain about prices"), (fix.Kind, fix.Priority, fix.Title));
        Assert.Equal(("price", 3, 0.75), (fix.Evidence.Aspect, fix.Evidence.Count, fix.Evidence.Share));
        Assert.Equal(3, fix.Evidence.Examples!.Count);
    }

    private static Spheres.Core.Analytics.Questions.QuestionCluster Cluster(string label, int count, double share) =>
        new(label, count, share, label + " (representative)", ["example"], ["uk", "en"], [.. Enumerable.Range(0, count).Select(i => $"{i:x24}")]);

    [Fact]
    public void The_largest_recurring_questions_ask_for_an_answer_the_agent_knows_at_most_three_and_not_below_three_questions()
    {
        var questions = new Spheres.Core.Analytics.Questions.TopQuestionsReport(100,
        [
            Cluster("Скільки коштує манікюр?", 30, 0.30), Cluster("Можна записатися на завтра?", 10, 0.10), Cluster("Де ви знаходитесь?", 4, 0.04),
            Cluster("Чи є парковка?", 3, 0.03), Cluster("Чи приймаєте картку?", 2, 0.02),
        ]);

        var advice = Recommendations.For(Peaks(), NoReviews, questions, RecommendationText.For("UA"));

        Assert.Equal(["answer_top_question"], advice.Select(a => a.Kind).Distinct());
        Assert.Equal(["high", "medium", "low"], advice.Select(a => a.Priority));
        Assert.Equal("Навчіть агента відповідати: «Скільки коштує манікюр?»", advice[0].Title);
        Assert.Equal("Клієнти питали про це 30 разів (30% їхніх запитань), наприклад: «Скільки коштує манікюр? (representative)». "
                     + "Додайте відповідь в інструкції агента, щоб він відповідав одразу, вдень і вночі.", advice[0].Detail);
        Assert.Equal(("Скільки коштує манікюр?", 30, 0.30), (advice[0].Evidence.Question, advice[0].Evidence.Count, advice[0].Evidence.Share));
        Assert.Equal(["Скільки коштує манікюр? (representative)", "example"], advice[0].Evidence.Examples);
        Assert.Equal(["uk", "en"], advice[0].Evidence.Languages);

        var english = Recommendations.For(Peaks(), NoReviews, questions, RecommendationText.For("DE"));
        Assert.Equal("Make sure the agent can answer: “Скільки коштує манікюр?”", english[0].Title);
        Assert.Empty(Recommendations.For(Peaks(), NoReviews, new(4, [Cluster("Чи є парковка?", 2, 0.5)]), RecommendationText.For("UA")));
    }
}
