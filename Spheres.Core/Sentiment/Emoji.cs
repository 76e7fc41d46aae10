using System.Text;

namespace Spheres.Core.Sentiment;

/// <summary>The emoji reviewers use to say how it went, each worth one opinion word (at most three in all).</summary>
internal static class Emoji
{
    private static readonly HashSet<int> Positive =
    [
        0x1F60A, 0x1F60D, 0x1F970, 0x1F601, 0x1F600, 0x1F603, 0x1F604, 0x1F642, 0x1F618, 0x1F929, 0x1F917, 0x1F44D, 0x1F44C, 0x1F44F,
        0x1F64F, 0x1F525, 0x1F4AF, 0x2728, 0x2764, 0x1F496, 0x1F495, 0x1F497, 0x1F49C, 0x1F499, 0x1F49A, 0x1F9E1, 0x1F90D, 0x1F338, 0x1F339,
        0x2B50, 0x1F31F, 0x1F389, 0x263A,
    ];

    private static readonly HashSet<int> Negative =
    [
        0x1F621, 0x1F620, 0x1F92C, 0x1F44E, 0x1F61E, 0x1F622, 0x1F62D, 0x1F624, 0x1F612, 0x1F611, 0x1F615, 0x1F61F, 0x1F627, 0x1F628,
        0x1F629, 0x1F62B, 0x1F633, 0x1F92E, 0x1F922, 0x1F4A9, 0x1F494, 0x1F641, 0x2639, 0x1F644, 0x1F926, 0x1F92F,
    ];

    public static double Score(string text)
    {
        var score = 0;
        var counted = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (counted == 3) break;
            if (Positive.Contains(rune.Value)) { score++; counted++; }
            else if (Negative.Contains(rune.Value)) { score--; counted++; }
        }
        return score;
    }
}
