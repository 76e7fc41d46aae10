using System.Globalization;
using Spheres.Core.Analytics.Questions;
using Xunit.Abstractions;

namespace Spheres.Tests.Analytics;

/// <summary>
/// How well top questions group the labelled set (Data/questions.json), measured on the pieces directly (the
/// end-to-end path is <see cref="TopQuestionsTests"/>): courtesy filtering, languages, cluster purity, the top
/// clusters against the true top intents, and whether one intent asked in uk/ru/en/pl lands in one cluster.
/// docs/analytics.md has the figures this prints.
/// </summary>
public sealed class TopQuestionsQualityTests(ITestOutputHelper output)
{
    /// <summary>Measured 0.993 on the development set and 0.947 on the held-out one (docs/analytics.md); the bar leaves a margin for other wordings.</summary>
    public const double MinPurity = 0.85;

    /// <summary>Measured on the held-out set (docs/analytics.md), less a margin.</summary>
    public const double MinHeldOutPurity = 0.85;

    [Fact]
    public void Greetings_and_thanks_are_left_out_and_every_question_is_kept()
    {
        var wrong = LabelledQuestion.All.Where(q => QuestionText.IsQuestion(q.Text) != q.IsQuestion).Select(q => q.Text).ToList();
        Assert.Empty(wrong);
        Assert.True(QuestionText.IsQuestion("Привіт! Скільки коштує манікюр?"));
        Assert.True(QuestionText.IsQuestion("Dzień dobry, ile kosztuje pedicure?"));
        Assert.False(QuestionText.IsQuestion("😊👍"));
        Assert.False(QuestionText.IsQuestion("Добрий день, дякую!"));
    }

    [Fact]
    public void The_language_of_each_message_is_detected()
    {
        var labelled = LabelledQuestion.All.Where(q => q.Language is not null).ToList();
        foreach (var language in labelled.GroupBy(q => q.Language))
        {
            var misses = language.Where(q => QuestionText.Language(q.Text) != q.Language).ToList();
            output.WriteLine($"{language.Key}: {language.Count() - misses.Count}/{language.Count()} {string.Join(" | ", misses.Select(m => m.Text))}");
        }
        Assert.Equal("uk", QuestionText.Language("Чи є вільні місця?"));
        Assert.Equal("ru", QuestionText.Language("Есть свободные места?"));
        var right = labelled.Count(q => QuestionText.Language(q.Text) == q.Language);
        Assert.True(right >= 0.97 * labelled.Count, $"{right} of {labelled.Count} languages right");
    }

    [Fact]
    public async Task The_top_clusters_are_the_true_top_intents_in_order_and_pure()
    {
        var set = LabelledQuestion.All;
        var questions = await LabelledQuestion.EmbeddedQuestionsAsync(set);
        var report = TopQuestions.Build(questions);
        var score = Score(report, set, questions.Count, "stored vector + topic block");
        Score(TopQuestions.Build(questions, topicWeight: 0), set, questions.Count, "stored vector alone");

        Assert.Equal(questions.Count, report.Total);
        var trueOrder = questions.GroupBy(q => LabelledQuestion.Of(q.Id, set).Intent).OrderByDescending(g => g.Count()).Select(g => g.Key).Take(5).ToList();
        Assert.Equal(trueOrder, report.Clusters.Take(5).Select(c => MajorityIntent(c, set)).ToList());
        Assert.True(score.Purity >= MinPurity, $"purity {score.Purity:0.000}");
    }

    /// <summary>
    /// The held-out sets, worded unlike the development set: the first (42 questions, 5 courtesy) was measured before
    /// the topic lexicon was widened and the topic weight raised, so it informed them; the second (46 questions, 5
    /// courtesy) was written before those changes and measured once, after them.
    /// </summary>
    [Theory]
    [InlineData("questions.heldout.json")]
    [InlineData("questions.heldout2.json")]
    public async Task On_a_held_out_set_the_largest_clusters_are_still_pure_and_courtesy_is_left_out(string file)
    {
        var set = LabelledQuestion.Load(file);
        var filtered = set.Count(q => QuestionText.IsQuestion(q.Text) == q.IsQuestion);
        var languages = set.Count(q => q.Language is null || QuestionText.Language(q.Text) == q.Language);
        output.WriteLine($"courtesy filter right {filtered}/{set.Count}, language right {languages}/{set.Count}");
        foreach (var miss in set.Where(q => q.Language is not null && QuestionText.Language(q.Text) != q.Language))
            output.WriteLine($"  language {q(miss)}");
        static string q(LabelledQuestion m) => $"{m.Language} read as {QuestionText.Language(m.Text)}: {m.Text}";
        var questions = await LabelledQuestion.EmbeddedQuestionsAsync(set);
        var report = TopQuestions.Build(questions);
        var score = Score(report, set, questions.Count, "held out: stored vector + topic block");
        Assert.Equal(set.Count, filtered);
        Assert.True(score.Purity >= MinHeldOutPurity, $"purity {score.Purity:0.000}");
        Assert.Equal("price", MajorityIntent(report.Clusters[0], set));
    }

    private static string MajorityIntent(QuestionCluster cluster, IReadOnlyList<LabelledQuestion> set) =>
        cluster.MessageIds.GroupBy(id => LabelledQuestion.Of(id, set).Intent).OrderByDescending(g => g.Count()).First().Key;

    private (double Purity, double Coverage, double CrossLanguage) Score(TopQuestionsReport report, IReadOnlyList<LabelledQuestion> set, int total, string variant)
    {
        output.WriteLine($"== {variant}: {report.Clusters.Count} clusters of 2+");
        var clustered = report.Clusters.Sum(c => c.Count);
        var pure = report.Clusters.Sum(c => c.MessageIds.GroupBy(id => LabelledQuestion.Of(id, set).Intent).Max(g => g.Count()));
        foreach (var c in report.Clusters)
        {
            var intents = c.MessageIds.GroupBy(id => LabelledQuestion.Of(id, set).Intent).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
            output.WriteLine($"{c.Count,3} [{string.Join(",", c.Languages)}] «{c.Label}» — {string.Join(", ", intents)}");
            var majority = MajorityIntent(c, set);
            foreach (var stray in c.MessageIds.Select(id => LabelledQuestion.Of(id, set)).Where(q => q.Intent != majority)) output.WriteLine($"      stray {stray.Intent}: {stray.Text}");
        }
        // Cross-language: a ru/en/pl question is "with its intent" when it sits in the cluster holding most of that intent's Ukrainian questions.
        var clusterOf = report.Clusters.SelectMany((c, i) => c.MessageIds.Select(id => (id, i))).ToDictionary(x => x.id, x => x.i);
        var ukHome = set.Select((q, i) => (q, id: "q" + i.ToString(CultureInfo.InvariantCulture)))
            .Where(x => x.q.IsQuestion && x.q.Language == "uk" && clusterOf.ContainsKey(x.id))
            .GroupBy(x => x.q.Intent).ToDictionary(g => g.Key, g => g.GroupBy(x => clusterOf[x.id]).OrderByDescending(h => h.Count()).First().Key);
        var crossLanguage = new List<string>();
        double together = 0, others = 0;
        foreach (var language in new[] { "ru", "en", "pl" })
        {
            var ofLanguage = set.Select((q, i) => (q, id: "q" + i.ToString(CultureInfo.InvariantCulture)))
                .Where(x => x.q.IsQuestion && x.q.Language == language).ToList();
            var home = ofLanguage.Count(x => clusterOf.TryGetValue(x.id, out var c) && ukHome.TryGetValue(x.q.Intent, out var h) && c == h);
            crossLanguage.Add($"{language} {home}/{ofLanguage.Count}");
            together += home;
            others += ofLanguage.Count;
        }
        var purity = clustered == 0 ? 0 : (double)pure / clustered;
        var coverage = (double)clustered / total;
        output.WriteLine($"purity {purity:0.000}, in clusters of 2+ {coverage:0.000}, with the Ukrainian cluster of their intent: {string.Join(", ", crossLanguage)} ({together / others:0.000})");
        return (purity, coverage, together / others);
    }
}
