using Spheres.Core.Analytics;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Analytics;

/// <summary>How the period's conversations were answered: counts, shares, first-response percentiles and the weekday × hour cells.</summary>
public sealed record ResponsesJson(
    string Timezone, string From, string To,
    [property: Description("Conversations (one customer on one integration) with a message in the period, counted from their first one.")] int Conversations,
    AnsweredByJson AnsweredBy,
    [property: Description("answered_by as shares of conversations, 0–1 (4 decimals).")] AnsweredBySharesJson Shares,
    [property: Description("Seconds from the conversation's first message to the first agent or human reply (nearest rank); null when none was answered.")]
    PercentilesJson FirstResponseSeconds,
    [property: Description("Cells with conversations, by the local weekday (0 = Monday) and hour of their first message.")] IReadOnlyList<ResponseCellJson> Cells)
{
    public static ResponsesJson Of(ResponsesReport r) => new(r.Timezone, r.From, r.To, r.Conversations, AnsweredByJson.Of(r.AnsweredBy),
        new AnsweredBySharesJson(r.Shares.Agent, r.Shares.Human, r.Shares.OutOfHours, r.Shares.None),
        new PercentilesJson(r.FirstResponseSeconds.P50, r.FirstResponseSeconds.P90, r.FirstResponseSeconds.P99),
        r.Cells.Select(c => new ResponseCellJson(c.Weekday, c.Hour, c.Conversations, AnsweredByJson.Of(c.AnsweredBy), c.FirstResponseP50Seconds)).ToList());
}

/// <summary>
/// Who answered first: <c>agent</c>, <c>human</c>; <c>out_of_hours</c> when only the out-of-hours reply went out;
/// <c>none</c> when nothing (or only the quota reply) did.
/// </summary>
public sealed record AnsweredByJson(int Agent, int Human, int OutOfHours, int None)
{
    public static AnsweredByJson Of(AnsweredBy a) => new(a.Agent, a.Human, a.OutOfHours, a.None);
}

public sealed record AnsweredBySharesJson(double Agent, double Human, double OutOfHours, double None);

public sealed record PercentilesJson(double? P50, double? P90, double? P99);

public sealed record ResponseCellJson(int Weekday, int Hour, int Conversations, AnsweredByJson AnsweredBy, double? FirstResponseP50Seconds);
