namespace Spheres.Core.Reviews;

/// <summary>A customer's review as the tenant submitted or imported it, with its analysis once done.</summary>
public sealed record Review(
    string TenantId,
    string Id,
    string Text,
    int? Rating,
    string? Author,
    string Source,
    string? ExternalId,
    DateTimeOffset CreatedAt,
    ReviewSentiment? Sentiment,
    IReadOnlyList<ReviewAspect> Aspects)
{
    /// <summary>The embedding model whose vector the row holds (null until analysed).</summary>
    public string? VectorModel { get; init; }
}

/// <summary><c>positive</c>, <c>neutral</c> or <c>negative</c> with a score in [-1, 1] (below 0 leans negative).</summary>
public sealed record ReviewSentiment(string Label, double Score)
{
    public const string Positive = "positive";
    public const string Neutral = "neutral";
    public const string Negative = "negative";
    public static readonly IReadOnlyList<string> Labels = [Positive, Neutral, Negative];
}

/// <summary>Something a review talks about (<c>waiting_time</c>, <c>price</c>...) and how it speaks of it.</summary>
public sealed record ReviewAspect(string Label, string Sentiment);

/// <summary>A review as sent, before validation: every field may be missing or wrong.</summary>
public sealed record ReviewInput(
    string? Text, int? Rating, string? Author, string? Source, string? ExternalId, DateTimeOffset? CreatedAt);

/// <summary>What an import did: how many were stored, how many were already there, and why the others were refused.</summary>
public sealed record ImportResult(int Created, int Duplicates, IReadOnlyList<RejectedRow> Rejected);

public sealed record RejectedRow(int Index, IReadOnlyDictionary<string, string[]> Errors);
