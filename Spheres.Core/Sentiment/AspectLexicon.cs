namespace Spheres.Core.Sentiment;

/// <summary>
/// What a review talks about, by stems in the four languages (matched like <see cref="SentimentLexicon"/>).
/// The labels are the API's: analytics groups reviews by them.
/// </summary>
internal static class AspectLexicon
{
    public static readonly IReadOnlyDictionary<string, string[]> Stems = new Dictionary<string, string[]>
    {
        ["waiting_time"] =
        [
            "wait", "queue", "=late", "delay", "on time", "punctual", "hour", "minutes", "quick", "fast", "slow",
            "чека", "черг", "запізн", "затрим", "вчасн", "годин", "хвилин", "швидк", "довго", "пунктуальн",
            "жда", "ожида", "очеред", "опозд", "задерж", "вовремя", "=час", "минут", "быстр", "долго",
            "czeka", "kolejk", "spozni", "opozni", "punktualn", "godzin", "minut", "szybk", "dlugo", "wolno",
        ],
        ["price"] =
        [
            "price", "expensive", "cheap", "overpriced", "pricey", "cost", "money", "worth", "afford", "pay", "paid", "charge", "=costly",
            "ціна", "ціни", "цін", "=дорого", "=дорогі", "дорогуват", "дорожч", "дешев", "вартіст", "гроші", "грошей", "коштує", "заплат", "доплат", "переплат",
            "цена", "цены", "цен", "=дорогие", "дороговат", "дороже", "стоимост", "деньг", "стоит", "заплат", "доплат", "переплат",
            "cena", "ceny", "cen", "=drogo", "=drogie", "drozej", "tani", "tanio", "koszt", "pieniad", "placi", "zaplac", "doplat", "przeplac", "warto",
        ],
        ["cleanliness"] =
        [
            "clean", "dirty", "hygien", "steril", "mess", "dust", "hair on the floor", "spotless", "tidy", "smell", "unclean",
            "чист", "брудн", "бруд", "гігієн", "стерил", "пил", "охайн", "неохайн", "смерд", "запах", "прибира",
            "грязн", "грязь", "гигиен", "стерил", "пыль", "опрятн", "неопрятн", "воня", "убира",
            "czyst", "brud", "higien", "steryl", "kurz", "porzad", "smierdz", "zapach", "sprzata",
        ],
        ["staff"] =
        [
            "staff", "master", "stylist", "receptionist", "administrator", "admin", "rude", "polite", "friendly", "attentive", "girl", "team",
            "service", "manicurist", "barber", "doctor", "nurse", "employee", "hairdresser", "technician", "unfriendly", "impolite",
            "персонал", "майстр", "майстер", "майстри", "адміністрат", "груб", "хамськ", "ввічлив", "неввічлив", "привітн", "уважн", "дівчат", "обслугов", "лікар", "медсестр", "колектив", "перукар",
            "мастер", "администрат", "хамск", "вежлив", "невежлив", "приветлив", "внимательн", "девушк", "обслуживан", "врач", "медсестр", "коллектив", "парикмахер",
            "personel", "pani", "obsluga", "obslug", "recepcj", "fryzjer", "stylist", "lekarz", "pielegniar", "zespol", "niegrzeczn", "uprzejm", "=mila", "=mily", "chamsk", "sympatyczn",
        ],
        ["result_quality"] =
        [
            "result", "colour", "color", "haircut", "cut", "nails", "manicure", "pedicure", "gel", "polish", "hair", "dye", "ruin", "uneven",
            "crooked", "burn", "quality", "peeling", "chipped", "lasted", "shape", "tooth", "teeth", "filling", "treatment", "look", "skin",
            "результат", "колір", "кольор", "фарбув", "стрижк", "підстриг", "нігт", "нігті", "манікюр", "педикюр", "гель", "покритт", "волосс", "зіпсува", "зіпсов", "нерівн", "криво", "якіст", "відшаров", "форм", "зуб", "пломб", "лікуван", "шкір", "брів", "вії",
            "цвет", "окрашив", "стрижк", "подстриг", "ногт", "маникюр", "педикюр", "покрыт", "волос", "испорт", "испорч", "неровн", "качеств", "отслаива", "форма", "пломб", "лечен", "кож", "бров", "ресниц",
            "rezultat", "efekt", "kolor", "farbow", "strzyz", "fryzur", "paznok", "manicure", "pedicure", "hybryd", "zel", "wlos", "zepsu", "zniszcz", "nierown", "krzyw", "jakosc", "odpryski", "ksztalt", "zab", "zeby", "plomb", "leczen", "skor", "brwi", "rzes",
        ],
        ["booking"] =
        [
            "book", "appointment", "reschedul", "cancel", "online", "call", "phone", "slot",
            "запис", "перенес", "скасува", "дзвон", "телефон", "онлайн",
            "запис", "перенес", "отмен", "звон", "телефон", "онлайн",
            "rezerwac", "zapis", "umowi", "wizyt", "przelozy", "odwola", "telefon", "online",
        ],
        ["atmosphere"] =
        [
            "atmosphere", "cozy", "cosy", "music", "coffee", "interior", "comfortable", "noisy", "crowded", "relax", "ambience", "vibe",
            "атмосфер", "затишн", "музик", "=кава", "=кави", "=каву", "інтер'єр", "інтерєр", "комфортн", "шумн", "тісн", "розслаб",
            "атмосфер", "уютн", "музык", "кофе", "интерьер", "комфортн", "шумн", "тесн", "расслаб",
            "atmosfer", "klimat", "przytuln", "muzyk", "=kawa", "=kawy", "=kawe", "wnetrz", "komfort", "glosn", "ciasn", "relaks",
        ],
    };
}
