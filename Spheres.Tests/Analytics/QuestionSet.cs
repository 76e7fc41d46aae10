using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spheres.Core.Analytics.Questions;
using Spheres.Core.Embeddings;

namespace Spheres.Tests.Analytics;

/// <summary>
/// The labelled development set (Data/questions.json): salon customers' messages over one week in Kyiv time,
/// each with its intent (<c>greeting</c> for courtesy that must be left out) and language.
/// </summary>
public sealed record LabelledQuestion(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("intent")] string Intent,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("sent_at")] string? SentAt)
{
    public const string Greeting = "greeting";

    public bool IsQuestion => Intent != Greeting;

    /// <summary>The local time in Kyiv as an instant.</summary>
    public DateTimeOffset SentAtUtc => NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(SentAt! + ":00").Value
        .InZoneLeniently(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Kyiv"]).ToDateTimeOffset();

    public static IReadOnlyList<LabelledQuestion> All { get; } = Load("questions.json");

    public static List<LabelledQuestion> Load(string file) => JsonSerializer.Deserialize<List<LabelledQuestion>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Analytics", "Data", file)))!;

    /// <summary>The questions as the store would hold them: embedded by the local model, ids "q0", "q1"… by position in <paramref name="set"/>.</summary>
    public static async Task<List<StoredQuestion>> EmbeddedQuestionsAsync(IReadOnlyList<LabelledQuestion> set)
    {
        var questions = set.Select((q, i) => (q, i)).Where(x => x.q.IsQuestion).ToList();
        using var generator = new LocalEmbeddingGenerator();
        var vectors = await generator.GenerateAsync(questions.Select(x => x.q.Text));
        return [.. questions.Select((x, j) => new StoredQuestion("q" + x.i.ToString(CultureInfo.InvariantCulture), x.q.Text, VectorCodec.Encode(vectors[j].Vector.Span)))];
    }

    public static LabelledQuestion Of(string id, IReadOnlyList<LabelledQuestion> set) => set[int.Parse(id[1..], CultureInfo.InvariantCulture)];
}
