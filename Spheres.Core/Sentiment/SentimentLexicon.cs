namespace Spheres.Core.Sentiment;

/// <summary>
/// Opinion words of Ukrainian, Russian, Polish and English as stems (a word matches a stem it starts
/// with; a stem written <c>=word</c> must match whole). Stems, not word lists, so inflected forms
/// (зіпсували / зіпсована, испортили / испорчен, zepsuli / zepsuty) are found without a dictionary.
/// Weights: 1 ordinary, 2 strong (ruined, never again, disgusting).
/// </summary>
internal static class SentimentLexicon
{
    public static readonly string[] Positive =
    [
        // en
        "good", "great", "excellent", "amazing", "awesome", "wonderful", "perfect", "love", "loved", "lovely", "nice", "best", "fantastic",
        "friendly", "polite", "professional", "recommend", "happy", "pleased", "satisfied", "beautiful", "clean", "cozy", "cosy", "comfortable",
        "quick", "fast", "punctual", "attentive", "helpful", "careful", "gentle", "thank", "impressed", "superb", "brilliant", "pleasant",
        "=fine", "=ok", "=okay", "talented", "skilled", "stunning", "reasonabl", "affordable", "worth", "welcoming", "spotless", "delight",
        "enjoy", "glad", "caring", "outstanding", "flawless", "neat", "tidy", "on time", "painless", "relax", "patient", "knowledgeable", "gorgeous", "incredible", "be back", "come back", "come again", "delicious", "efficient", "reliable", "lasted", "довго трима", "долго держ", "dlugo sie trzyma", "dlugo trzyma",
        // uk
        "добр", "гарн", "чудов", "відмінн", "прекрасн", "найкращ", "класн", "супер", "задоволен", "рекоменд", "раджу", "дякую", "дякуєм",
        "подяк", "ввічлив", "привітн", "уважн", "професійн", "акуратн", "охайн", "чист", "затишн", "швидк", "вчасн", "сподоба", "подобаєть",
        "люблю", "приємн", "класно", "ідеальн", "неймовірн", "вдячн", "турбот", "майстерн", "доступн", "безболісн", "комфортн", "задоволення",
        "щаслив", "молодц", "чудесн", "гарно", "красив", "розслаб", "найкращий", "пунктуальн", "золоті руки", "=топ", "якісн", "зручн", "неперевершен", "чарівн", "терпляч", "смачн", "повернус", "прийду ще", "прийду знову", "кращ", "відповідальн", "варт", "=клас", "професіонал", "вищому рівні", "на висоті", "все сподоба", "рекомендую всім",
        // ru
        "хорош", "отличн", "прекрасн", "замечательн", "лучш", "класс", "доволь", "советую", "рекоменду", "спасибо", "благодар", "вежлив",
        "приветлив", "внимательн", "профессионал", "аккуратн", "чисто", "чист", "уютн", "быстр", "вовремя", "понрави", "нравится", "люблю",
        "приятн", "идеальн", "невероятн", "заботл", "мастерск", "доступн", "безболезн", "комфортн", "счастлив", "молодц", "красив", "шикарн",
        "восторг", "расслаб", "пунктуальн", "=норм", "нормальн", "умничк", "золотые руки", "=топ", "качествен", "удобн", "восхитительн", "потрясающ", "великолепн", "терпелив", "вкусн", "вернусь", "приду ещ", "лучше", "стоит своих денег", "стоит того", "высшем уровне", "на высоте",
        // pl
        "dobr", "dobrz", "swietn", "wspanial", "doskonal", "najlepsz", "super", "zadowolon", "polecam", "polecan", "dziekuj", "dzieki",
        "uprzejm", "=mila", "=mily", "=milo", "=mile", "=milej", "milutk", "sympatyczn", "profesjonaln", "dokladn", "czysto", "czyst", "przytuln", "szybk", "punktualn", "podoba", "kocham",
        "przyjemn", "idealn", "niesamowit", "wdzieczn", "troskliw", "fachow", "przystepn", "bezbolesn", "komfortow", "szczesliw", "piekn",
        "zachwyc", "relaks", "rewelac", "cudown", "ekstra", "warto", "zlote rece", "=ok", "=fajn", "fajn", "fajnie", "wroce", "wroc", "cierpliw", "pyszn", "tani", "tanio", "wygodn", "solidn", "profesjonal", "najwyzszym poziomie", "na medal",
    ];

    public static readonly string[] Negative =
    [
        // en
        "bad", "terrible", "awful", "horrible", "worst", "rude", "unprofessional", "dirty", "disgust", "disappoint", "poor", "slow", "=late",
        "wait", "waited", "waiting", "expensive", "badly", "=costly", "overpriced", "pricey", "ruin", "damaged", "burn", "hurt", "pain", "unfriendly", "impolite",
        "careless", "never again", "refund", "complain", "mess", "uneven", "crooked", "cancel", "ignored", "unhappy", "annoy",
        "unpleasant", "sloppy", "smell", "stain", "broke", "mistake", "wrong", "fail", "worse", "nightmare", "waste", "rip", "scam", "=meh",
        "mediocre", "sadly", "unfortunately", "problem", "issue", "tired", "bored", "noisy", "cold", "crowded", "chaos", "confus", "ugly",
        "not worth", "avoid", "lost", "forgot", "regret", "peeling", "chipped", "infection", "bleed", "unclean", "rushed", "horrendous", "appalling", "shocking", "dreadful", "rubbish", "useless", "sore", "overcharg", "inflamed", "patchy", "brassy",
        // uk
        "поган", "жахлив", "жах", "кошмар", "найгірш", "гірш", "груб", "хамськ", "хамств", "нахаб", "неввічлив", "непрофесій", "брудн",
        "бруд", "розчар", "довго", "чекал", "чекати", "черг", "запізн", "=дорого", "=дорогі", "дорогуват", "дорожч", "завищ", "зіпсува", "зіпсов", "зіпсув", "спалил", "спалени",
        "пошкод", "боляч", "болі", "біль", "неприємн", "неуважн", "недбал", "більше не", "повернути гроші", "скарг", "нерівн",
        "криво", "кривий", "скасува", "ігнор", "незадовол", "засмут", "смерд", "запах", "плям", "помилк", "на жаль", "шкода",
        "проблем", "холодн", "тісн", "шумн", "хаос", "обман", "обдур", "відшаров", "відшарув", "облазит", "облізл", "сколи", "інфекц", "кров",
        "неохайн", "незручн", "жодн", "мінус", "розтягнул", "відпал", "злама", "отсутн", "невдал", "відрост", "пересуш", "пожовт", "зелен", "огидн", "противн", "поспіх", "поспіша", "запален", "відколол", "обдурил", "переплат", "більше ніколи", "втрата часу", "марна трата", "даремно", "=хам", "хамк", "нахам", "хамил", "хамит",
        // ru
        "плох", "ужасн", "ужас", "кошмар", "худш", "хуже", "груб", "хамск", "хамств", "нахал", "невежлив", "непрофессион", "грязн", "грязь",
        "разочаров", "долго", "ждал", "ждать", "очеред", "опоздал", "опозда", "=дорого", "=дорогие", "дороговат", "дороже", "завыш", "испорт", "испорч", "сожгл", "сожжен", "повред",
        "больно", "боль", "неприятн", "невнимательн", "небрежн", "больше не", "вернуть деньги", "жалоб", "неровн", "криво", "кривой",
        "отмен", "игнор", "недовол", "расстро", "воня", "запах", "пятн", "ошибк", "к сожалению", "жаль", "проблем", "холодн", "тесн",
        "шумн", "хаос", "обман", "отслаива", "отслои", "облез", "сколы", "инфекц", "кров", "неопрятн", "неудобн", "минус", "отпал", "слома", "неудачн",
        "пересуш", "пожелт", "зелен", "отвратительн", "мерзк", "противн", "впопыхах", "торопил", "воспален", "откололс", "грубиян", "переплат", "больше никогда", "потеря времени", "зря потрат", "=хамка", "хамло", "нахам",
        // pl
        "=zle", "=zly", "=zla", "=zlo", "=zlej", "okropn", "straszn", "fataln", "najgorsz", "najgorzej", "gorsz", "niegrzeczn", "chamsk", "nieprzyjemn", "nieprofesjonaln", "brudn",
        "brud", "rozczarow", "dlugo", "czekal", "czekac", "czekanie", "kolejk", "spozni", "=drogo", "=drogie", "drozej", "drozsz", "zawyzon", "zepsu", "zniszcz",
        "spalil", "spalon", "uszkodz", "bolal", "bol", "niemil", "nieuwazn", "niedbal", "nigdy wiecej", "zwrot pieniedzy",
        "reklamac", "skarg", "nierown", "krzyw", "odwolal", "odwolan", "ignorow", "niezadowolon", "smierdz", "zapach", "plam", "blad", "bled",
        "niestety", "szkoda", "problem", "zimn", "ciasn", "glosn", "chaos", "oszust", "oszuk", "odpryski", "odkleja", "schodzi", "infekc",
        "krew", "krwaw", "niewygodn", "minus", "odpadl", "polamal", "nieudan", "przesusz", "zolt", "zielon", "masakr", "porazk", "tragedi",
        "tragiczn", "beznadziej", "obrzydliw", "slab", "kiepsk", "zawiod", "=zawod", "pospiech", "stan zapaln", "zapalen", "odprysl", "przeplac", "niestaranni", "strata czasu", "szkoda czasu", "szkoda pieniedzy",
    ];

    /// <summary>Lukewarm words count half: "fine", "нормально", "w porządku" say little; "довго" is often "lasted long".</summary>
    public static readonly string[] MildPositive =
        ["=fine", "=ok", "=okay", "decent", "acceptab", "нормальн", "=норм", "прийнятн", "приемлем", "akceptowaln", "w porzadku", "poprawn", "niezl", "непоган", "неплох", "spoko"];

    public static readonly string[] MildNegative =
    [
        "long", "довго", "долго", "dlugo", "average", "nothing special", "середн", "нічого особлив", "так собі", "средн", "ничего особенн", "так себе",
        "przecietn", "nic specjaln", "takie sobie", "bez efektu", "без вау", "sredni", "mediocre", "only downside", "only minus", "only negative", "єдиний мінус", "единственный минус", "jedyny minus", "jedynym minusem",
        // "could have been better" says it was not good, whatever "better" says alone.
        "could be better", "could have been better", "могло бути кращ", "могло б бути кращ", "могло быть лучш", "могло бы быть лучш", "moglo byc lepi", "moglo by byc lepi",
    ];

    /// <summary>Strong words count twice: one of them outweighs a polite "thank you".</summary>
    public static readonly HashSet<string> Strong =
    [
        "terrible", "awful", "horrible", "worst", "ruin", "disgust", "never again", "nightmare", "scam", "burn",
        "жахлив", "жах", "кошмар", "найгірш", "зіпсува", "зіпсов", "зіпсув", "спалил", "більше не", "хамськ",
        "ужасн", "ужас", "худш", "испорт", "испорч", "сожгл", "больше не", "хамск",
        "okropn", "straszn", "fataln", "najgorsz", "najgorzej", "zepsu", "zniszcz", "spalil", "nigdy wiecej", "masakr", "tragedi", "tragiczn", "beznadziej", "horrendous", "appalling", "огидн", "отвратительн", "obrzydliw", "неперевершен", "восхитительн", "великолепн", "потрясающ", "incredible", "більше ніколи", "больше никогда",
        "excellent", "amazing", "perfect", "fantastic", "outstanding", "чудов", "найкращ", "ідеальн", "отличн", "лучш", "идеальн", "шикарн",
        "swietn", "wspanial", "najlepsz", "rewelac", "idealn", "polecam", "рекоменд", "рекоменду", "советую", "раджу", "recommend",
    ];

    /// <summary>Words that turn the next opinion word around ("not good", "не сподобалось", "nie polecam").</summary>
    public static readonly HashSet<string> Negators =
        ["not", "no", "dont", "don't", "didn't", "didnt", "wasn't", "wasnt", "isn't", "isnt", "won't", "wont", "hardly", "без", "не", "ні", "ни", "нет", "нема", "немає", "nie", "bez", "ani", "nothing", "нічого", "ничего", "nic", "never", "ніколи", "никогда", "nigdy"];

    /// <summary>Words after which the writer's real point follows ("nice staff, but the colour was ruined").</summary>
    public static readonly HashSet<string> Contrasts =
        ["but", "however", "although", "though", "але", "проте", "однак", "однако", "зате", "зато", "но", "хоча", "хотя", "ale", "jednak", "choc", "natomiast", "lecz"];

    public static readonly HashSet<string> Intensifiers =
        ["very", "really", "so", "extremely", "super", "дуже", "надто", "занадто", "вкрай", "очень", "слишком", "крайне", "совсем", "bardzo", "strasznie", "zbyt", "mega", "naprawde"];
}
