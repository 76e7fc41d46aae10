using Spheres.Core.Sentiment;

namespace Spheres.Core.Embeddings;

/// <summary>
/// A small language-independent block: which aspects a text names (waiting time, price, staff...)
/// and how positive or negative it reads, found with the uk/ru/pl/en lexicons. It is the bridge
/// between languages that neither the English model nor the n-grams give: "довго чекали" and
/// "waited for ages" share the waiting_time and negative dimensions.
/// </summary>
public static class ConceptFeatures
{
    private static readonly string[] AspectLabels = [.. AspectLexicon.Stems.Keys.Order(StringComparer.Ordinal)];

    public static int Dimensions => AspectLabels.Length + 2;

    public static float[] Compute(string text)
    {
        var vector = new float[Dimensions];
        var (score, evidence, _, aspects, _) = TextSentiment.ReadText(text);
        foreach (var (label, _) in aspects) vector[Array.IndexOf(AspectLabels, label)] = 1f;
        if (evidence > 0)
        {
            vector[^2] = (float)Math.Max(0, score);
            vector[^1] = (float)Math.Max(0, -score);
        }
        return VectorCodec.Normalize(vector);
    }
}
