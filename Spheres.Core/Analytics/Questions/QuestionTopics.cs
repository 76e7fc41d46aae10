using Spheres.Core.Sentiment;

namespace Spheres.Core.Analytics.Questions;

/// <summary>
/// What a salon or clinic question asks about, by stems in uk/ru/en/pl (matched like the review lexicons: the
/// longest stem a word starts with, short stems whole words only, phrases across words). It is the bridge between
/// languages the English sentence model lacks: "скільки коштує", "сколько стоит", "how much" and "ile kosztuje"
/// share the price dimension. A text can name several topics; one naming none is grouped by its vector alone.
/// </summary>
public static class QuestionTopics
{
    private static readonly (string Topic, string[] Stems)[] Lexicon =
    [
        ("price",
        [
            "ціна", "ціни", "цін", "=ціну", "вартіст", "коштує", "коштуват", "коштують", "прайс", "=грн", "скільки буде", "розцінк",
            "цена", "цены", "=цену", "стоимост", "стоит", "=стоят", "сколько будет", "расценк",
            "price", "prices", "pricing", "=charge", "=rates", "how much would", "what do you charge", "почім", "почем", "скільки за", "сколько за", "скільки платити", "вартує", "=дорого", "za ile", "=cost", "costs", "how much", "=fee", "=fees",
            "cena", "ceny", "cene", "cennik", "koszt", "kosztuje", "ile za",
        ]),
        ("booking",
        [
            "запис", "записат", "записа", "запиш", "вільн", "віконц", "=місце", "=місця", "час на", "бронюв",
            "записать", "свободн", "окошк", "=место", "=места", "бронир",
            "=book", "booking", "can i come", "come in", "вікн", "вікон", "=окно", "=окна", "=окон", "візьмете", "возьмете", "appointment", "=slot", "=slots", "availab", "reserv", "schedule me",
            "zapis", "umowic", "umowi", "wizyt", "termin", "wolne", "wolny", "rezerw",
        ]),
        ("opening_hours",
        [
            "годин роботи", "графік", "працюєте", "працює", "відчинен", "зачинен", "до котрої", "о котрій", "з котрої", "вихідн",
            "часы работы", "график", "работаете", "работает", "открыт", "закрыт", "до скольки", "во сколько", "со скольки", "выходн",
            "opening", "=open", "режим роботи", "режим работы", "відкрива", "відкрит", "открыва", "до скількох", "до которого", "о которой", "святков", "праздничн", "праздник", "holiday", "=opens", "=close", "=closes", "closing", "=hours", "what time",
            "godzin", "otwarte", "otwieracie", "czynne", "pracujecie", "zamyka", "do ktorej", "od ktorej",
        ]),
        ("location",
        [
            "адрес", "де ви", "де знаход", "знаходитес", "доїхати", "дістатися", "дістатис", "парков", "паркув", "=метро", "зупинк",
            "где вы", "находитес", "доехать", "добраться", "припарк", "остановк",
            "address", "where are you", "where exactly", "where is", "how do i get", "локац", "геолокац", "розташован", "расположен", "де саме", "як пройти", "как пройти", "як знайти", "как найти", "located", "location", "parking", "=park", "get there", "directions", "=metro",
            "adres", "gdzie", "dojechac", "dojazd", "parking", "zaparkowac", "lokalizacj",
        ]),
        ("rescheduling",
        [
            "скасув", "скасуй", "відмін", "перенест", "перенес", "перезапис", "не зможу", "не встигаю", "запізнюс", "запізнюю",
            "отмен", "перенести", "не смогу", "не успеваю", "опаздыва",
            "cancel", "reschedul", "=move", "move my", "running late", "can't make", "cannot make", "=postpone",
            "odwolac", "odwolan", "przelozyc", "przeloz", "anulow", "zmienic termin", "spoznie", "nie dam rady", "nie zdaze",
        ]),
        ("services",
        [
            "послуг", "робите", "процедур", "чи є у вас", "є у вас", "пропонуєте", "надаєте",
            "услуг", "делаете", "есть у вас", "предлагаете", "оказываете",
            "do you do", "do you offer", "do you have", "services", "treatments", "=offer",
            "uslug", "robicie", "zabieg", "oferujecie", "czy jest u was", "czy macie",
        ]),
        ("payment",
        [
            "оплат", "картою", "=карткою", "готівк", "безготів", "термінал", "розрахув", "=кешем",
            "картой", "наличн", "безнал", "терминал", "расплат", "рассчита",
            "=pay", "paying", "=карту", "=картку", "=карта", "=картка", "payment", "=card", "=cards", "=cash", "apple pay", "google pay", "contactless",
            "platn", "placic", "zaplacic", "=karta", "=karte", "gotowk", "=blik", "przelew",
        ]),
        ("staff",
        [
            "майстер", "майстр", "майстра", "майстрин", "до кого", "косметолог", "перукар", "лікар", "спеціаліст", "досвід",
            "мастер", "мастера", "к кому", "парикмахер", "врач", "специалист", "опыт",
            "master", "stylist", "колорист", "барбер", "стиліст", "стилист", "specialist", "hairdresser", "technician", "therapist", "experience", "=staff", "=doctor",
            "fryzjer", "stylistk", "specjalist", "kosmetolog", "do kogo", "lekarz", "doswiadcz",
        ]),
        ("gift_card",
        [
            "сертифікат", "подарунков", "подарун", "сертификат", "подарочн", "gift", "voucher", "certificate", "bon", "bonu", "karta podarunkowa"
        ]),
        ("discount",
        [
            "знижк", "акці", "=акція", "промокод", "скидк", "акци", "discount", "promo", "=deal", "=sale", "znizk", "rabat", "promocj",
        ]),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Lexicon.Select(t => t.Topic)];

    public static int Dimensions => Lexicon.Length;

    private static readonly int BookingIndex = Array.FindIndex(Lexicon, t => t.Topic == "booking");
    private static readonly int RescheduleIndex = Array.FindIndex(Lexicon, t => t.Topic == "rescheduling");
    private static readonly int StaffIndex = Array.FindIndex(Lexicon, t => t.Topic == "staff");
    private static readonly int HoursIndex = Array.FindIndex(Lexicon, t => t.Topic == "opening_hours");

    private static readonly StemMatcher<int> Matcher = new(Lexicon.SelectMany((t, index) => t.Stems.Select(s => (s, index))));

    /// <summary>The topics the text names, as a unit vector (all zeros when none).</summary>
    public static float[] Vector(string text)
    {
        var vector = new float[Dimensions];
        var words = TextNormalizer.Words(text).Select(w => w.Word).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            if (Matcher.TryMatchPhrase(words, i, out var phrase, out var span))
            {
                vector[phrase] = 1f;
                i += span - 1;
            }
            else if (Matcher.TryMatch(words[i], out var topic, out _))
            {
                vector[topic] = 1f;
            }
        }
        // Cancelling or moving a visit names the visit too ("скасувати запис", "cancel my appointment"): that is not booking.
        if (vector[RescheduleIndex] > 0) vector[BookingIndex] = 0;
        // "When does master Iryna work?" asks about the person, not the salon's hours.
        if (vector[StaffIndex] > 0) vector[HoursIndex] = 0;
        return Embeddings.VectorCodec.Normalize(vector);
    }
}
