using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Spheres.Core.Reviews;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Reviews;

/// <summary>
/// A review as POST and import take it. Documentation only: bodies are read field by field (ReviewFields) so an import can name
/// each row's errors; this record is their schema, and says what ReviewFields takes. Unknown fields are refused.
/// </summary>
[ApiClosed]
public sealed record ReviewRequest(
    [property: Required, StringLength(ReviewFields.MaxTextLength, MinimumLength = 1), RegularExpression(@"\S")] string? Text,
    [property: ApiNullable, Range(1, 5), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString), RegularExpression("^[1-5]$"),
     ApiExamples("5", "1", "\"4\"", "null"), Description("1 to 5; also as its digit in a string, as a CSV cell or a form sends it.")] int? Rating,
    [property: ApiNullable, StringLength(ReviewFields.MaxAuthorLength)] string? Author,
    [property: ApiNullable, RegularExpression(@"^(\s*|[a-z0-9][a-z0-9_-]{0,31})$"), ApiExamples("\"google\"", "\"facebook\"", "\"booksy-2\"", "null"),
     Description("Lower-case letters, digits, '-' and '_'; null, blank or left out: manual (as a CSV's empty cell).")] string? Source,
    [property: ApiNullable, StringLength(ReviewFields.MaxExternalIdLength), ApiAlsoInteger] string? ExternalId,
    [property: ApiNullable, Description("An ISO 8601 instant with offset, or a date (midnight UTC).")] DateTimeOffset? CreatedAt);

public sealed record SentimentJson(string Label, double Score);

public sealed record AspectJson(string Label, string Sentiment);

public sealed record ReviewJson(
    string Id, string Text, int? Rating, string? Author, string Source, string? ExternalId, DateTimeOffset CreatedAt,
    SentimentJson? Sentiment, IReadOnlyList<AspectJson> Aspects)
{
    public static ReviewJson From(Review r) => new(r.Id, r.Text, r.Rating, r.Author, r.Source, r.ExternalId, r.CreatedAt,
        r.Sentiment is { } s ? new SentimentJson(s.Label, s.Score) : null, r.Aspects.Select(a => new AspectJson(a.Label, a.Sentiment)).ToList());
}

public sealed record ReviewPageJson(IReadOnlyList<ReviewJson> Results, string? Next);

public sealed record RejectedJson(int Index, IReadOnlyDictionary<string, string[]> Errors);

/// <summary><c>rejected</c> lists the first 100 refused rows; <c>rejected_count</c> says how many there were in all.</summary>
public sealed record ImportJson(int Created, int Duplicates, IReadOnlyList<RejectedJson> Rejected, int RejectedCount);

public sealed record SearchHitJson(ReviewJson Review, double Score);
