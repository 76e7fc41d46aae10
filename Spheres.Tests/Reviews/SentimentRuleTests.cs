using Spheres.Core.Reviews;

namespace Spheres.Tests.Reviews;

/// <summary>The rules of the analyzer, one phenomenon per case, in the four languages.</summary>
public sealed class SentimentRuleTests
{
    [Theory]
    // The text overrules the stars.
    [InlineData("Colour came out ruined, my hair is orange", 5, "negative")]
    [InlineData("Колір зіпсували, волосся спалене", 5, "negative")]
    [InlineData("Цвет испортили, волосы сожгли", 5, "negative")]
    [InlineData("Kolor zniszczony, włosy spalone", 5, "negative")]
    [InlineData("Випадково поставила одну зірку, насправді все чудово!", 1, "positive")]
    // Negation, separate and glued.
    [InlineData("Не сподобалось, не рекомендую", null, "negative")]
    [InlineData("Nie polecam, obsługa niemiła", null, "negative")]
    [InlineData("Непогано, але могло бути краще", 3, "neutral")]
    [InlineData("No problems at all, everything was on time", null, "positive")]
    [InlineData("Никогда не разочаровывает, спасибо мастеру", null, "positive")]
    // Contrast: the point comes after "but".
    [InlineData("Мила дівчина, але манікюр відшарувався через два дні", 4, "negative")]
    [InlineData("Drogo, ale efekt rewelacyjny", 4, "positive")]
    // Praise and a small complaint in equal measure: the stars decide.
    [InlineData("Майстер уважна, результат гарний. Єдиний мінус: адміністратор забула передзвонити.", 5, "positive")]
    [InlineData("Мастер внимательная, но администратор грубая и ждали долго.", 2, "negative")]
    // Emoji count like words.
    [InlineData("Була вчора 😍😍", null, "positive")]
    [InlineData("Стрижка за 40 минут 😡", null, "negative")]
    // No opinion words: the stars decide, and without stars it is neutral.
    [InlineData("Була у вівторок на стрижці", 5, "positive")]
    [InlineData("Была во вторник на стрижке", null, "neutral")]
    [InlineData("Visited on Tuesday for a trim", 1, "negative")]
    public void Text_and_stars_together(string text, int? rating, string expected)
    {
        Assert.Equal(expected, ReviewSentimentAnalyzer.Analyze(text, rating).Sentiment.Label);
    }

    [Fact]
    public void Aspects_take_the_polarity_of_the_clauses_naming_them()
    {
        var (_, aspects) = ReviewSentimentAnalyzer.Analyze("Адміністратор дуже привітна, але чекали майже годину і ціни завищені", 3);
        var byLabel = aspects.ToDictionary(a => a.Label, a => a.Sentiment);
        Assert.Equal("positive", byLabel["staff"]);
        Assert.Equal("negative", byLabel["waiting_time"]);
        Assert.Equal("negative", byLabel["price"]);
        Assert.DoesNotContain("cleanliness", byLabel.Keys);
    }
}
