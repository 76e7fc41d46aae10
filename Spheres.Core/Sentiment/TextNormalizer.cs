using System.Globalization;
using System.Text;

namespace Spheres.Core.Sentiment;

/// <summary>
/// Lower-cases and folds what writers of uk/ru/pl use interchangeably: ё→е, apostrophes inside
/// Ukrainian words, Polish diacritics (reviews are often typed without them). The lexicon is folded the same way.
/// </summary>
public static class TextNormalizer
{
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var raw in text)
        {
            var c = char.ToLower(raw, CultureInfo.InvariantCulture);
            builder.Append(c switch
            {
                'ё' => 'е', 'ą' => 'a', 'ć' => 'c', 'ę' => 'e', 'ł' => 'l', 'ń' => 'n', 'ó' => 'o', 'ś' => 's', 'ź' or 'ż' => 'z',
                '\u2019' or '\u02bc' or '`' => '\'',
                _ => c,
            });
        }
        return builder.ToString();
    }

    /// <summary>Words (letters, digits and inner apostrophes) of the folded text, with the clause each belongs to.</summary>
    public static List<(string Word, int Clause)> Words(string text)
    {
        var folded = Fold(text);
        var words = new List<(string, int)>();
        var clause = 0;
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0) words.Add((current.ToString().Trim('\''), clause));
            current.Clear();
        }
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c) || (c == '\'' && current.Length > 0)) current.Append(c);
            else
            {
                Flush();
                if (c is '.' or '!' or '?' or ';' or ',' or '\n' or ':' or '(' or ')' or '—' or '–') clause++;
            }
        }
        Flush();
        return words;
    }
}
