namespace Spheres.Core.Sentiment;

/// <summary>
/// Finds lexicon entries in a word list: the longest stem a word starts with wins (so "painless"
/// is not "pain"), <c>=word</c> entries and stems under four letters match whole words only, and
/// entries with a space are phrases matched across consecutive words.
/// </summary>
internal sealed class StemMatcher<T>
{
    private readonly Dictionary<string, T> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, T> _prefixes = new(StringComparer.Ordinal);
    private readonly List<(string[] Words, T Value)> _phrases = [];
    private readonly int _longestPrefix;

    public StemMatcher(IEnumerable<(string Entry, T Value)> entries)
    {
        foreach (var (raw, value) in entries)
        {
            var entry = TextNormalizer.Fold(raw.Trim());
            if (entry.Contains(' ', StringComparison.Ordinal)) _phrases.Add((entry.Split(' '), value));
            else if (entry.StartsWith('=') || entry.Length < 4) _exact.TryAdd(entry.TrimStart('='), value);
            else _prefixes.TryAdd(entry, value);
        }
        _longestPrefix = _prefixes.Keys.Select(k => k.Length).DefaultIfEmpty(0).Max();
    }

    /// <summary>The entry matching <paramref name="word"/> and its length (longer is more specific), or none.</summary>
    public bool TryMatch(string word, out T value, out int length)
    {
        for (var n = Math.Min(word.Length, _longestPrefix); n >= 4; n--)
        {
            if (_prefixes.TryGetValue(word[..n], out value!))
            {
                length = n;
                return true;
            }
        }
        if (_exact.TryGetValue(word, out value!))
        {
            length = word.Length;
            return true;
        }
        length = 0;
        return false;
    }

    /// <summary>Phrases starting at <paramref name="index"/>: how many words they span and their value.</summary>
    public bool TryMatchPhrase(IReadOnlyList<string> words, int index, out T value, out int span)
    {
        foreach (var (phrase, v) in _phrases)
        {
            if (index + phrase.Length > words.Count) continue;
            var all = true;
            for (var i = 0; i < phrase.Length && all; i++)
            {
                var word = words[index + i];
                all = i == phrase.Length - 1 ? word.StartsWith(phrase[i], StringComparison.Ordinal) : word == phrase[i];
            }
            if (all)
            {
                value = v;
                span = phrase.Length;
                return true;
            }
        }
        value = default!;
        span = 0;
        return false;
    }
}
