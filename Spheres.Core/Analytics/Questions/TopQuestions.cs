using Spheres.Core.Embeddings;

namespace Spheres.Core.Analytics.Questions;

/// <summary>An embedded inbound message that is a question: its id, text and stored vector (half precision).</summary>
public sealed record StoredQuestion(string Id, string Text, byte[] Vector);

/// <summary>A group of questions: a short label, the most typical question, a few others, languages by frequency, every member's id.</summary>
public sealed record QuestionCluster(
    string Label, int Count, double Share, string Representative, IReadOnlyList<string> Examples, IReadOnlyList<string> Languages, IReadOnlyList<string> MessageIds);

/// <summary><c>Total</c>: the period's questions that were grouped (embedded, courtesy left out); clusters largest first.</summary>
public sealed record TopQuestionsReport(int Total, IReadOnlyList<QuestionCluster> Clusters);

/// <summary>
/// Builds the top-questions answer from stored vectors (nothing is embedded here): each question's vector is its
/// stored one with the <see cref="QuestionTopics"/> block beside it (weight <see cref="TopicWeight"/>), grouped by
/// <see cref="QuestionClustering"/>. Groups of one are not "recurring" and are left out of the list (they count in the total).
/// </summary>
public static partial class TopQuestions
{
    /// <summary>Questions grouped per request: the newest this many of the period (a professional month is 10,000 messages).</summary>
    public const int MaxQuestions = 10_000;
    public const int MaxClusters = 50;
    public const int ExamplesPerCluster = 3;
    public const int MaxTextLength = 200;
    public const int MaxLabelLength = 60;
    /// <summary>
    /// Across scripts the stored vectors are about orthogonal (cosine ≈ 0), so two questions of one topic in Cyrillic and
    /// Latin meet at w²/(1+w²): 0.69 at 1.5, above the join threshold; at 1.0 it would be 0.5, below it.
    /// </summary>
    public const float TopicWeight = 1.5f;

    /// <param name="topicWeight">How much the topic block counts beside the stored vector (0: the vector alone, for measuring what it adds).</param>
    public static TopQuestionsReport Build(IReadOnlyList<StoredQuestion> questions, float topicWeight = TopicWeight)
    {
        if (questions.Count == 0) return new TopQuestionsReport(0, []);
        var stored = questions[0].Vector.Length / sizeof(ushort);
        var dimensions = stored + QuestionTopics.Dimensions;
        var vectors = new float[questions.Count * dimensions];
        var usable = new List<int>(questions.Count);
        var strict = new bool[questions.Count];
        for (var i = 0; i < questions.Count; i++)
        {
            if (questions[i].Vector.Length != stored * sizeof(ushort)) continue; // never mix vectors of different shapes
            var row = vectors.AsSpan(usable.Count * dimensions, dimensions);
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(questions[i].Vector), row[..stored]);
            var topics = QuestionTopics.Vector(questions[i].Text);
            strict[usable.Count] = topics.All(t => t == 0);
            for (var t = 0; t < topics.Length; t++) row[stored + t] = topics[t] * topicWeight;
            var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(row));
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
            usable.Add(i);
        }
        var groups = QuestionClustering.Cluster(vectors, usable.Count, dimensions, strict);
        var clusters = groups.Where(g => g.Count >= 2).Take(MaxClusters)
            .Select(g => Describe(g, vectors, dimensions, i => questions[usable[i]], usable.Count))
            .ToList();
        return new TopQuestionsReport(usable.Count, clusters);
    }

    /// <summary>
    /// The representative is the medoid of the members in the group's most frequent language (the owner reads the
    /// label; a Russian medoid of a mostly Ukrainian group would be a poor one).
    /// </summary>
    private static QuestionCluster Describe(List<int> members, float[] vectors, int dimensions, Func<int, StoredQuestion> question, int total)
    {
        var languageOf = members.ToDictionary(m => m, m => QuestionText.Language(question(m).Text));
        var byLanguage = languageOf.Values.OfType<string>().GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Language: g.Key, Count: g.Count())).ToList();
        var languages = byLanguage.Select(l => l.Language).ToList();
        // A language ahead of the others gives the representative; a tie leaves it to the whole group.
        var inMainLanguage = byLanguage.Count == 0 || (byLanguage.Count > 1 && byLanguage[1].Count == byLanguage[0].Count)
            ? members
            : members.Where(m => languageOf[m] == languages[0]).ToList();
        var medoid = QuestionClustering.Medoid(members, inMainLanguage, vectors, dimensions);
        var medoidRow = new ArraySegment<float>(vectors, medoid * dimensions, dimensions);
        // Examples: the members most like the representative, a new language first, no text twice.
        var seenTexts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { question(medoid).Text.Trim() };
        var seenLanguages = new HashSet<string?> { languageOf[medoid] };
        var byNearness = members.Where(m => m != medoid)
            .OrderByDescending(m => System.Numerics.Tensors.TensorPrimitives.Dot(medoidRow, vectors.AsSpan(m * dimensions, dimensions))).ToList();
        var examples = new List<string>();
        foreach (var pass in new[] { true, false })
        {
            foreach (var m in byNearness)
            {
                if (examples.Count == ExamplesPerCluster) break;
                if (pass && seenLanguages.Contains(languageOf[m])) continue;
                if (!seenTexts.Add(question(m).Text.Trim())) continue;
                seenLanguages.Add(languageOf[m]);
                examples.Add(Shortened(question(m).Text, MaxTextLength));
            }
        }
        var representative = question(medoid).Text;
        return new QuestionCluster(Label(representative), members.Count, PeakHoursGrid.Share(members.Count, total), Shortened(representative, MaxTextLength),
            examples, languages, [.. members.Select(m => question(m).Id)]);
    }

    /// <summary>The representative without its greeting, up to its first question mark, cut at a word to at most <see cref="MaxLabelLength"/> characters.</summary>
    public static string Label(string representative)
    {
        var text = string.Join(' ', QuestionText.WithoutOpening(representative).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        // "Скільки коштує манікюр? І ще питання про…": the first question is the label.
        if (text.IndexOf('?') is var mark and >= 10 && mark < text.Length - 1) text = text[..(mark + 1)];
        text = TrailingPlease().Replace(text, "$1");
        if (text.Length <= MaxLabelLength) return text;
        var cut = text.LastIndexOf(' ', MaxLabelLength - 1);
        return text[..(cut > 20 ? cut : MaxLabelLength - 1)].TrimEnd(',', ' ', ';', ':') + "…";
    }

    // "Ціни на брови скиньте, будь ласка?" → "Ціни на брови скиньте?": politeness at the end says nothing about the question.
    [System.Text.RegularExpressions.GeneratedRegex(@"[,\s]+(?:будь ласка|пожалуйста|please|proszę|prosze)\s*([?!.]*)\s*$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex TrailingPlease();

    private static string Shortened(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
