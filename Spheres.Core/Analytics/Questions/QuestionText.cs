using Spheres.Core.Sentiment;

namespace Spheres.Core.Analytics.Questions;

/// <summary>
/// What a customer message is before it is grouped: a question (or request) at all, and in which language.
/// <para>Courtesy only is not a question: a message whose every word is a greeting, a thank-you, a farewell, a
/// politeness or a one-word acknowledgement (uk/ru/en/pl: <c>привіт, добрий день, дякую, спасибо, hello, thanks,
/// dzień dobry, dziękuję, ок, так</c>…), or that has no word at all (emoji, punctuation), is left out. One other
/// word keeps it: "Привіт! Скільки коштує манікюр?" is a question.</para>
/// </summary>
public static class QuestionText
{
    // Folded (TextNormalizer: lower case, ё→е, Polish letters without diacritics).
    private static readonly HashSet<string> Courtesy = new(StringComparer.Ordinal)
    {
        // uk
        "привіт", "привітик", "вітаю", "добрий", "доброго", "день", "дня", "ранку", "ранок", "вечір", "вечора", "дякую", "дякуємо",
        "спасибі", "щиро", "дуже", "вам", "вас", "будь", "ласка", "до", "побачення", "гарного", "гарно", "чудово", "добре", "гаразд",
        "зрозуміло", "ясно", "так", "ні", "ок", "окей", "супер", "клас", "і", "й", "та", "а", "все", "хорошого", "вечора",
        // ru
        "привет", "здравствуйте", "здрасте", "здраствуйте", "добрый", "доброе", "утро", "утра", "вечер", "спасибо", "благодарю", "большое",
        "очень", "пожалуйста", "свидания", "хорошо", "понятно", "да", "нет", "отлично", "и", "всего", "хорошего", "доброй", "ночи",
        // en
        "hi", "hello", "hey", "good", "morning", "afternoon", "evening", "thanks", "thank", "you", "thx", "ty", "much", "so", "a", "lot",
        "bye", "goodbye", "see", "ok", "okay", "great", "yes", "no", "sure", "cool", "perfect", "please", "and", "have", "nice", "day",
        // pl
        "czesc", "dzien", "dobry", "dobrego", "witam", "dziekuje", "dziekujemy", "dzieki", "bardzo", "pozdrawiam", "prosze", "do",
        "widzenia", "tak", "nie", "dobrze", "swietnie", "super", "milego", "wieczor", "wieczoru", "i",
    };

    public static bool IsQuestion(string text)
    {
        var words = TextNormalizer.Words(text);
        return words.Count > 0 && words.Any(w => !Courtesy.Contains(w.Word));
    }

    /// <summary>The text without the courtesy words it opens with ("Добрий день! Скільки коштує…" → "Скільки коштує…").</summary>
    public static string WithoutOpening(string text)
    {
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
            var wordStart = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '\'' or '’' or 'ʼ')) i++;
            if (wordStart == i) break;
            var word = TextNormalizer.Fold(text[wordStart..i]).Trim('\'');
            if (!Courtesy.Contains(word) || MayStartAQuestion.Contains(word)) break;
            start = i;
        }
        var rest = text[start..].TrimStart(' ', ',', '!', '.', ')', '-', '–', '—', '\n', '\r', '\t');
        return rest.Length == 0 ? text.Trim() : char.ToUpperInvariant(rest[0]) + rest[1..];
    }

    // Courtesy words that also open real questions ("До котрої…", "А скільки…", "Do you…", "Так, а де…").
    private static readonly HashSet<string> MayStartAQuestion = new(StringComparer.Ordinal)
    {
        "до", "do", "а", "a", "і", "i", "и", "й", "та", "and", "so", "you", "have", "see", "much", "day", "все",
    };

    /// <summary>
    /// uk, ru, pl or en (null when the text has no letters of those scripts). Cyrillic: і ї є ґ say Ukrainian,
    /// ы э ъ ё Russian; without either, common function words vote, and Ukrainian wins a tie (most customers
    /// here write it). Latin: Polish letters or Polish function words say Polish, otherwise English.
    /// </summary>
    public static string? Language(string text)
    {
        int cyrillic = 0, latin = 0, uk = 0, ru = 0, pl = 0;
        foreach (var c in text)
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'а' and <= 'я' or 'і' or 'ї' or 'є' or 'ґ' or 'ё') cyrillic++;
            else if (lower is >= 'a' and <= 'z') latin++;
            if (lower is 'і' or 'ї' or 'є' or 'ґ') uk++;
            else if (lower is 'ы' or 'э' or 'ъ' or 'ё') ru++;
            else if (lower is 'ą' or 'ć' or 'ę' or 'ł' or 'ń' or 'ó' or 'ś' or 'ź' or 'ż') { pl++; latin++; }
        }
        if (cyrillic == 0 && latin == 0) return null;
        var words = TextNormalizer.Words(text).Select(w => w.Word).ToList();
        if (cyrillic >= latin)
        {
            uk += words.Count(UkrainianWords.Contains);
            ru += words.Count(RussianWords.Contains);
            return ru > uk ? "ru" : "uk";
        }
        pl += words.Count(PolishWords.Contains);
        return pl > 0 ? "pl" : "en";
    }

    // Words frequent in one language and absent from the other (as written, after folding).
    private static readonly HashSet<string> UkrainianWords = new(StringComparer.Ordinal)
    {
        "що", "як", "де", "чи", "коли", "скільки", "можна", "ви", "мене", "мені", "це", "ні", "добрий", "потрібно", "треба", "хочу",
        "записатися", "буде", "або", "також", "вже", "ще", "якщо", "тому", "теж", "робите", "маєте", "працюєте", "ціна", "коштує",
        "який", "яка", "які", "підкажіть", "скажіть", "добрий", "дякую", "будь", "ласка", "скасувати", "зможу", "краще", "вартість",
        "перенесіть", "запишіть", "майстер", "майстра", "сьогодні", "завтра", "ввечері", "тільки", "біля",
    };

    private static readonly HashSet<string> RussianWords = new(StringComparer.Ordinal)
    {
        "что", "как", "где", "ли", "когда", "сколько", "можно", "вы", "меня", "мне", "это", "нет", "добрый", "нужно", "надо", "хочу",
        "записаться", "будет", "или", "также", "уже", "еще", "если", "поэтому", "тоже", "делаете", "работаете", "цена", "стоит", "есть",
        "какой", "какая", "какие", "каким", "подскажите", "скажите", "здравствуйте", "спасибо", "пожалуйста", "свидания", "большое", "отменить",
        "смогу", "лучше", "стоимость", "перенесите", "запишите", "мастер", "мастеру", "сегодня", "завтра", "вечером", "только", "возле",
    };

    private static readonly HashSet<string> PolishWords = new(StringComparer.Ordinal)
    {
        "czy", "jest", "ile", "jak", "sie", "mozna", "dzien", "dobry", "prosze", "kiedy", "gdzie", "macie", "jaki", "jaka", "jakie",
        "chcialabym", "chcialbym", "wizyte", "wizyta", "kosztuje", "pani", "pan", "dziekuje", "otwarte", "robicie", "oferujecie", "w", "na", "z",
    };
}
