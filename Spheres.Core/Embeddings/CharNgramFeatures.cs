using System.Numerics.Tensors;
using Spheres.Core.Sentiment;

namespace Spheres.Core.Embeddings;

/// <summary>
/// Hashed character 3- and 4-grams of each word (with word-boundary marks), signed, in a fixed
/// number of buckets. Inflected forms share most of their n-grams (чекали / чекати / чекаю,
/// czekałam / czekać), which is exactly what the English sentence model cannot see in Cyrillic and
/// Polish text. FNV-1a keeps the hashing stable across processes, so stored vectors stay comparable.
/// </summary>
public static class CharNgramFeatures
{
    public static float[] Compute(string text, int buckets)
    {
        var vector = new float[buckets];
        foreach (var (word, _) in TextNormalizer.Words(text))
        {
            var marked = "<" + word + ">";
            for (var n = 3; n <= 4; n++)
            {
                for (var i = 0; i + n <= marked.Length; i++)
                {
                    var hash = Fnv1a(marked.AsSpan(i, n));
                    vector[(int)(hash % (uint)buckets)] += (hash & 0x80000000) == 0 ? 1f : -1f;
                }
            }
        }
        // Sublinear counts: a word repeated five times should not drown the others.
        for (var i = 0; i < vector.Length; i++) vector[i] = MathF.Sign(vector[i]) * MathF.Log(1 + MathF.Abs(vector[i]));
        var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(vector));
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private static uint Fnv1a(ReadOnlySpan<char> chars)
    {
        var hash = 2166136261u;
        foreach (var c in chars)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }
}
