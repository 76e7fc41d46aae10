using System.Numerics.Tensors;
using Spheres.Core.Embeddings;
using Xunit.Abstractions;

namespace Spheres.Tests.Reviews;

/// <summary>
/// What the local embedding understands, per language: for each (anchor, same meaning in other
/// words, different meaning) triple, is the paraphrase nearer than the other text? Measured for
/// MiniLM alone and for the combined vector the app stores (docs/analytics.md has the figures).
/// </summary>
public sealed class EmbeddingQualityTests(ITestOutputHelper output)
{
    public static readonly IReadOnlyDictionary<string, (string Anchor, string Same, string Different)[]> Triples =
        new Dictionary<string, (string, string, string)[]>
        {
            ["en"] =
            [
                ("We waited far too long", "Had to wait an hour past my appointment", "The haircut looks great"),
                ("The staff were rude", "The receptionist was impolite to me", "Prices are fair"),
                ("Too expensive", "Overpriced for what you get", "Very clean salon"),
                ("The colour was ruined", "My hair dye came out completely wrong", "Friendly and polite team"),
                ("Super clean and tidy place", "Everything was spotless and hygienic", "I waited forty minutes"),
                ("Gel polish peeled after two days", "My manicure chipped very quickly", "Booking online was easy"),
            ],
            ["uk"] =
            [
                ("Дуже довго чекали", "Довелося чекати годину після запису", "Стрижка вийшла чудова"),
                ("Персонал грубий", "Адміністраторка була неввічлива", "Ціни нормальні"),
                ("Занадто дорого", "Ціни завищені, не варто тих грошей", "Дуже чистий салон"),
                ("Колір зіпсували", "Фарбування вийшло жахливе, волосся зіпсоване", "Привітні та ввічливі дівчата"),
                ("Дуже чисто і охайно", "Все стерильно, ідеальна чистота", "Чекала сорок хвилин"),
                ("Гель-лак відшарувався через два дні", "Покриття на нігтях швидко відкололося", "Записатися онлайн легко"),
            ],
            ["ru"] =
            [
                ("Очень долго ждали", "Пришлось ждать час после записи", "Стрижка получилась отличная"),
                ("Персонал грубый", "Администратор была невежлива", "Цены нормальные"),
                ("Слишком дорого", "Цены завышены, не стоит своих денег", "Очень чистый салон"),
                ("Цвет испортили", "Окрашивание получилось ужасное, волосы испорчены", "Приветливые и вежливые девушки"),
                ("Очень чисто и опрятно", "Всё стерильно, идеальная чистота", "Ждала сорок минут"),
                ("Гель-лак отслоился через два дня", "Покрытие на ногтях быстро откололось", "Записаться онлайн легко"),
            ],
            ["pl"] =
            [
                ("Bardzo długo czekaliśmy", "Musiałam czekać godzinę po umówionej wizycie", "Fryzura wyszła świetnie"),
                ("Personel był niegrzeczny", "Recepcjonistka była niemiła", "Ceny są w porządku"),
                ("Za drogo", "Ceny zawyżone, nie warto tych pieniędzy", "Bardzo czysty salon"),
                ("Zniszczyli mi kolor", "Farbowanie wyszło fatalnie, włosy zniszczone", "Sympatyczne i uprzejme dziewczyny"),
                ("Bardzo czysto i schludnie", "Wszystko sterylne, idealna czystość", "Czekałam czterdzieści minut"),
                ("Hybryda odprysła po dwóch dniach", "Lakier na paznokciach szybko odpadł", "Łatwo umówić się online"),
            ],
        };

    [Fact]
    public async Task The_stored_vector_puts_paraphrases_nearer_than_other_topics_in_every_language()
    {
        using var generator = new LocalEmbeddingGenerator();
        foreach (var (language, triples) in Triples)
        {
            var texts = triples.SelectMany(t => new[] { t.Anchor, t.Same, t.Different }).ToList();
            var combined = (await generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToList();
            var modelOnly = generator.EncodeModelOnly(texts);
            var (combinedAccuracy, combinedGap) = Measure(combined);
            var (modelAccuracy, modelGap) = Measure(modelOnly);
            output.WriteLine($"{language}: MiniLM alone {modelAccuracy:P0} (gap {modelGap:F2}), stored vector {combinedAccuracy:P0} (gap {combinedGap:F2})");
            Assert.True(combinedAccuracy >= 5 / 6.0, $"{language}: {combinedAccuracy:P0}");
            Assert.True(combinedGap > 0.1, $"{language}: gap {combinedGap:F2}");
        }
    }

    [Fact]
    public async Task Across_languages_the_topic_carries_over_through_the_concept_block()
    {
        using var generator = new LocalEmbeddingGenerator();
        var anchors = Triples["uk"].Concat(Triples["ru"]).Concat(Triples["pl"]).ToList();
        var english = Triples["en"];
        var texts = new List<string>();
        for (var i = 0; i < anchors.Count; i++)
        {
            var en = english[i % english.Length];
            texts.AddRange([anchors[i].Anchor, en.Same, en.Different]);
        }
        var combined = (await generator.GenerateAsync(texts)).Select(e => e.Vector.ToArray()).ToList();
        var (combinedAccuracy, combinedGap) = Measure(combined);
        var (modelAccuracy, modelGap) = Measure(generator.EncodeModelOnly(texts));
        output.WriteLine($"uk/ru/pl query vs English reviews: MiniLM alone {modelAccuracy:P0} (gap {modelGap:F2}), stored vector {combinedAccuracy:P0} (gap {combinedGap:F2})");
        Assert.True(combinedAccuracy >= 0.75, $"{combinedAccuracy:P0}");
    }

    /// <summary>The share of triples ranked right, and the mean of sim(anchor, same) − sim(anchor, different).</summary>
    private static (double Accuracy, double Gap) Measure(IReadOnlyList<float[]> vectors)
    {
        var right = 0;
        var gap = 0.0;
        var count = vectors.Count / 3;
        for (var i = 0; i < count; i++)
        {
            var same = TensorPrimitives.CosineSimilarity(vectors[3 * i], vectors[3 * i + 1]);
            var different = TensorPrimitives.CosineSimilarity(vectors[3 * i], vectors[3 * i + 2]);
            if (same > different) right++;
            gap += same - different;
        }
        return (right / (double)count, gap / count);
    }
}
