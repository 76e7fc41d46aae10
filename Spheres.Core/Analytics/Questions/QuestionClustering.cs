using System.Numerics.Tensors;

namespace Spheres.Core.Analytics.Questions;

/// <summary>
/// Groups unit vectors by meaning without a preset number of groups: threshold ("leader") clustering, then
/// agglomerative merging of the groups, then a last look at the questions left alone.
/// <list type="number">
/// <item>Leader pass, in the order given: a vector joins the group whose centroid (normalised mean) is nearest if the
/// cosine is at least <see cref="JoinThreshold"/>, else it starts a group. O(n·k·d) for k groups.</item>
/// <item>Merge: among the <see cref="MaxMerged"/> largest groups of two or more, the most similar pair of centroids is
/// merged while its cosine is at least <see cref="MergeThreshold"/> (centroid linkage). O(m²) per merge, m ≤ 400.
/// This undoes the leader pass's order dependence: two groups started by different wordings of one question meet here.</item>
/// <item>Questions still alone join the nearest group of two or more when at least <see cref="JoinThreshold"/> near its
/// final centroid.</item>
/// </list>
/// The thresholds, not a count, decide how many groups there are: a month of one topic gives one group.
/// Past <see cref="MaxGroups"/> groups no new one is started (a vector near none stays alone, and may still join a
/// group in step 3), which bounds the leader pass at O(n·MaxGroups·d).
/// </summary>
public static class QuestionClustering
{
    public const float JoinThreshold = 0.55f;
    public const float MergeThreshold = 0.60f;

    /// <summary>
    /// For a question naming no topic: the stored vector alone must vouch for it, and the English model finds most
    /// Cyrillic texts alike (cosine 0.5–0.7 between unrelated ones), so it needs a near-paraphrase.
    /// </summary>
    public const float StrictThreshold = 0.80f;
    public const int MaxGroups = 2_000;
    public const int MaxMerged = 400;

    /// <summary>The members (indexes into the n rows of <paramref name="vectors"/>, each <paramref name="dimensions"/> wide) of each group, largest first.</summary>
    /// <param name="strict">Per row: true for a question without topic words, which joins only at <see cref="StrictThreshold"/>.</param>
    public static List<List<int>> Cluster(float[] vectors, int count, int dimensions, bool[]? strict = null)
    {
        float Bar(int row, float normal) => strict is not null && strict[row] ? Math.Max(normal, StrictThreshold) : normal;
        var groups = new List<Group>();
        var centroids = new List<float[]>();
        var loners = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * dimensions, dimensions);
            var (best, score) = Nearest(centroids, row);
            if (best >= 0 && score >= Bar(i, JoinThreshold) && score >= groups[best].Bar(JoinThreshold)) groups[best].Add(i, row, centroids[best]);
            else if (groups.Count >= MaxGroups) loners.Add(i); // no new group to compare with: it may still join one at the end
            else
            {
                var group = new Group(dimensions) { Strict = strict is not null && strict[i] };
                var centroid = new float[dimensions];
                group.Add(i, row, centroid);
                groups.Add(group);
                centroids.Add(centroid);
            }
        }
        var merged = Merge(groups, centroids);
        foreach (var loner in loners)
        {
            var single = new Group(dimensions) { Strict = strict is not null && strict[loner] };
            single.Members.Add(loner);
            merged.Add(single);
        }
        AdoptSingles(merged, vectors, dimensions);
        return [.. merged.Select(g => g.Members).OrderByDescending(m => m.Count).ThenBy(m => m[0])];
    }

    /// <summary>Of <paramref name="candidates"/>, the member nearest the group's centroid: the group's most typical question.</summary>
    public static int Medoid(IReadOnlyList<int> members, IReadOnlyList<int> candidates, float[] vectors, int dimensions)
    {
        var sum = new float[dimensions];
        foreach (var m in members) TensorPrimitives.Add(sum, vectors.AsSpan(m * dimensions, dimensions), sum);
        var best = candidates[0];
        var bestScore = float.MinValue;
        foreach (var m in candidates)
        {
            var score = TensorPrimitives.Dot(sum, vectors.AsSpan(m * dimensions, dimensions));
            if (score > bestScore) (best, bestScore) = (m, score);
        }
        return best;
    }

    private static List<Group> Merge(List<Group> groups, List<float[]> centroids)
    {
        var large = Enumerable.Range(0, groups.Count).Where(g => groups[g].Members.Count >= 2)
            .OrderByDescending(g => groups[g].Members.Count).Take(MaxMerged).ToList();
        var m = large.Count;
        var similarity = new float[m * m];
        for (var a = 0; a < m; a++)
            for (var b = a + 1; b < m; b++) similarity[a * m + b] = TensorPrimitives.Dot(centroids[large[a]], centroids[large[b]]);
        var alive = Enumerable.Repeat(true, m).ToArray();
        while (true)
        {
            var (bestA, bestB, bestScore) = (-1, -1, MergeThreshold);
            for (var a = 0; a < m; a++)
            {
                if (!alive[a]) continue;
                for (var b = a + 1; b < m; b++)
                {
                    var score = similarity[a * m + b];
                    if (alive[b] && score >= bestScore && score >= groups[large[a]].Bar(MergeThreshold) && score >= groups[large[b]].Bar(MergeThreshold))
                        (bestA, bestB, bestScore) = (a, b, score);
                }
            }
            if (bestA < 0) break;
            groups[large[bestA]].Absorb(groups[large[bestB]], centroids[large[bestA]]);
            alive[bestB] = false;
            for (var other = 0; other < m; other++)
            {
                if (!alive[other] || other == bestA) continue;
                var score = TensorPrimitives.Dot(centroids[large[bestA]], centroids[large[other]]);
                similarity[Math.Min(bestA, other) * m + Math.Max(bestA, other)] = score;
            }
        }
        var absorbed = new HashSet<int>(Enumerable.Range(0, m).Where(a => !alive[a]).Select(a => large[a]));
        return [.. groups.Where((_, index) => !absorbed.Contains(index))];
    }

    private static void AdoptSingles(List<Group> groups, float[] vectors, int dimensions)
    {
        var targets = groups.Where(g => g.Members.Count >= 2).Take(MaxMerged).ToList();
        var centroids = targets.Select(g => g.Centroid()).ToList();
        var adopted = new HashSet<Group>();
        foreach (var single in groups.Where(g => g.Members.Count == 1))
        {
            var (best, score) = Nearest(centroids, vectors.AsSpan(single.Members[0] * dimensions, dimensions));
            if (best < 0 || score < single.Bar(JoinThreshold) || score < targets[best].Bar(JoinThreshold)) continue;
            targets[best].Members.Add(single.Members[0]);
            adopted.Add(single);
        }
        groups.RemoveAll(adopted.Contains);
    }

    private static (int Index, float Score) Nearest(List<float[]> centroids, ReadOnlySpan<float> row)
    {
        var (best, bestScore) = (-1, float.MinValue);
        for (var c = 0; c < centroids.Count; c++)
        {
            var score = TensorPrimitives.Dot(centroids[c], row);
            if (score > bestScore) (best, bestScore) = (c, score);
        }
        return (best, bestScore);
    }

    private sealed class Group(int dimensions)
    {
        private readonly float[] _sum = new float[dimensions];

        /// <summary>Started by a question without topic words: it takes others only at <see cref="StrictThreshold"/>.</summary>
        public bool Strict { get; init; }

        public float Bar(float normal) => Strict ? Math.Max(normal, StrictThreshold) : normal;

        public List<int> Members { get; } = [];

        public void Add(int index, ReadOnlySpan<float> row, float[] centroid)
        {
            Members.Add(index);
            TensorPrimitives.Add(_sum, row, _sum);
            Normalize(centroid);
        }

        public void Absorb(Group other, float[] centroid)
        {
            Members.AddRange(other.Members);
            TensorPrimitives.Add(_sum, other._sum, _sum);
            Normalize(centroid);
        }

        public float[] Centroid()
        {
            var centroid = new float[_sum.Length];
            Normalize(centroid);
            return centroid;
        }

        private void Normalize(float[] centroid)
        {
            var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(_sum));
            if (norm > 0) TensorPrimitives.Divide(_sum, norm, centroid);
        }
    }
}
