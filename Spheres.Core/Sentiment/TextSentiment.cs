namespace Spheres.Core.Sentiment;

/// <summary>
/// How positive or negative a text reads, and which aspects (waiting time, price, staff…) it names, in Ukrainian,
/// Russian, Polish and English. The text is read clause by clause with the opinion lexicon: negators flip the next
/// opinion word ("не сподобалось", "nie polecam"), "не"/"nie" glued to an opinion word flips it too ("непогано"),
/// intensifiers strengthen it, and what follows a contrast ("but", "але", "но", "ale") weighs more, because that is
/// where writers put their point. Reviews weigh it with their rating; embeddings and top questions use it as a
/// language-independent signal.
/// </summary>
public static class TextSentiment
{
    private static readonly StemMatcher<double> Opinions = new(
        SentimentLexicon.MildPositive.Select(s => (s, 0.5))
            .Concat(SentimentLexicon.MildNegative.Select(s => (s, -0.5)))
            .Concat(SentimentLexicon.Positive.Select(s => (s, SentimentLexicon.Strong.Contains(s) ? 2.0 : 1.0)))
            .Concat(SentimentLexicon.Negative.Select(s => (s, SentimentLexicon.Strong.Contains(s) ? -2.0 : -1.0))));

    private static readonly StemMatcher<string> Aspects = new(
        AspectLexicon.Stems.SelectMany(a => a.Value.Select(stem => (stem, a.Key))));

    /// <summary>The text's own score in [-1, 1], how many opinion words carried it, each clause's sum, and the aspects per clause.</summary>
    /// <remarks>Strength is the contrast-weighted amount of opinion: how much the text says, whichever way.</remarks>
    public static (double Score, int Evidence, Dictionary<int, double> Clauses, List<(string Label, int Clause)> Aspects, double Strength) ReadText(string text)
    {
        var tokens = TextNormalizer.Words(text);
        var words = tokens.Select(t => t.Word).ToList();
        var clauseScores = new Dictionary<int, double>();
        var aspects = new List<(string Label, int Clause)>();
        var clauseShift = 0;        // contrast words open a new clause
        var afterContrast = new HashSet<int>();
        var beforeContrast = new HashSet<int>();
        double total = 0;
        var evidence = 0;

        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var clause = tokens[i].Clause + clauseShift;
            clauseScores.TryAdd(clause, 0);
            if (SentimentLexicon.Contrasts.Contains(word))
            {
                for (var c = 0; c <= clause; c++) beforeContrast.Add(c);
                clauseShift++;
                afterContrast.Add(clause + 1);
                continue;
            }
            if (Aspects.TryMatchPhrase(words, i, out var phraseAspect, out _)) aspects.Add((phraseAspect, clause));
            else if (Aspects.TryMatch(word, out var aspect, out _)) aspects.Add((aspect, clause));

            double value;
            var span = 1;
            if (Opinions.TryMatchPhrase(words, i, out var phraseValue, out span)) value = phraseValue;
            else if (Opinions.TryMatch(word, out var wordValue, out _)) { value = wordValue; span = 1; }
            else if (GluedNegation(word) is { } flipped) { value = flipped; span = 1; }
            else continue;

            if (Negated(words, tokens, i)) value = value > 0 ? -0.8 * value : -0.5 * value; // "not bad" is only mildly good
            if (i > 0 && SentimentLexicon.Intensifiers.Contains(words[i - 1])) value *= 1.5;
            clauseScores[clause] += value;
            evidence++;
            i += span - 1;
        }

        // Emoji say as much as words in short reviews ("Все супер 😍", "👎"); at most three count.
        var emoji = Emoji.Score(text);
        if (emoji != 0)
        {
            clauseScores[-1] = emoji;
            evidence++;
        }

        var strength = 0.0;
        foreach (var (clause, sum) in clauseScores)
        {
            var weight = afterContrast.Contains(clause) ? 1.6 : beforeContrast.Contains(clause) ? 0.6 : 1.0;
            total += weight * sum;
            strength += weight * Math.Abs(sum);
        }
        var score = evidence == 0 ? 0 : Math.Tanh(total / Math.Sqrt(evidence + 1) * 1.2);
        return (score, evidence, clauseScores, aspects, strength);
    }

    /// <summary>"непогано", "niemiły": a negating prefix glued to an opinion word the lexicon knows.</summary>
    private static double? GluedNegation(string word)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["не", "nie", "un"])
        {
            if (word.Length > prefix.Length + 3 && word.StartsWith(prefix, StringComparison.Ordinal)
                && Opinions.TryMatch(word[prefix.Length..], out var value, out _))
            {
                return value > 0 ? -0.8 * value : -0.5 * value;
            }
        }
        return null;
    }

    /// <summary>A negator up to two words back in the same clause.</summary>
    private static bool Negated(List<string> words, List<(string Word, int Clause)> tokens, int index)
    {
        for (var back = 1; back <= 2 && index - back >= 0; back++)
        {
            if (tokens[index - back].Clause != tokens[index].Clause) return false;
            if (SentimentLexicon.Negators.Contains(words[index - back])) return true;
        }
        return false;
    }
}
