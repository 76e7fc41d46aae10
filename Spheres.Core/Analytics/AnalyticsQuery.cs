using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Spheres.Core.Problems;

namespace Spheres.Core.Analytics;

/// <summary>
/// The query of every analytics request, checked before anything reaches storage: <c>from</c> and
/// <c>to</c> are local dates (YYYY-MM-DD, both days included) in the profile's zone, and
/// <c>integration</c> an integration id. Missing dates default to the last 30 days. <c>limit</c> (top questions) is 1–50, default 10.
/// A parameter given empty (<c>?integration=</c>) is refused like any other bad value, never read as absent.
/// </summary>
public sealed record AnalyticsQuery(LocalDate? From, LocalDate? To, int? IntegrationId, int Limit = AnalyticsQuery.DefaultLimit)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = Questions.TopQuestions.MaxClusters;

    public const int DefaultDays = 30;

    /// <summary>A year and a leap day: enough for "this year" and small enough to bound one request's reads.</summary>
    public const int MaxDays = 366;

    public static AnalyticsQuery Parse(string? from, string? to, string? integration, string? limit = null)
    {
        var errors = new FieldErrors();
        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        int? integrationId = null;
        // An empty value is a value, not an absent one: 400, as everywhere else in the API.
        if (integration is not null)
        {
            if (integration.Length <= 9 && int.TryParse(integration, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) integrationId = id;
            else errors.Add("integration", "Give the id of one of your integrations (a positive whole number).");
        }
        var limitValue = DefaultLimit;
        if (limit is not null)
        {
            if (limit.Length <= 3 && int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit) limitValue = n;
            else errors.Add("limit", $"Give a whole number from 1 to {MaxLimit}.");
        }
        if (fromDate is { } f && toDate is { } t)
        {
            if (f > t) errors.Add("from", "from is after to.");
            else if (Period.DaysBetween(f, t) + 1 > MaxDays) errors.Add("to", $"The period may span at most {MaxDays} days.");
        }
        errors.ThrowIfAny();
        return new AnalyticsQuery(fromDate, toDate, integrationId, limitValue);
    }

    /// <summary>
    /// The period in <paramref name="zone"/>: missing ends default to the last <see cref="DefaultDays"/> days
    /// up to today; a period given by one end only is checked against <see cref="MaxDays"/> too.
    /// </summary>
    public AnalyticsPeriod Resolve(DateTimeZone zone, Instant now)
    {
        var today = now.InZone(zone).Date;
        var to = To ?? (From is { } f ? LatestOf(f.PlusDays(DefaultDays - 1), f) : today);
        var from = From ?? to.PlusDays(-(DefaultDays - 1));
        if (from > to) throw ProblemException.Validation("from", "from is after to.");
        if (Period.DaysBetween(from, to) + 1 > MaxDays)
            throw ProblemException.Validation(To is null ? "from" : "to", $"The period may span at most {MaxDays} days.");
        // Start of day, not midnight: a zone may skip midnight on a DST day.
        return new AnalyticsPeriod(zone, from, to, zone.AtStartOfDay(from).ToInstant(), zone.AtStartOfDay(to.PlusDays(1)).ToInstant());
    }

    private static LocalDate LatestOf(LocalDate a, LocalDate b) => a > b ? a : b;

    private static LocalDate? ParseDate(string? text, string field, FieldErrors errors)
    {
        if (text is null) return null;
        var result = text.Length == 10 ? LocalDatePattern.Iso.Parse(text) : null;
        if (result is { Success: true } && result.Value.Year is >= 2000 and <= 2100) return result.Value;
        errors.Add(field, "Give a date as YYYY-MM-DD (e.g. 2026-03-01).");
        return null;
    }
}

/// <summary>Whole local days <c>From</c>..<c>To</c> in <c>Zone</c>, as the instants [<c>Start</c>, <c>End</c>).</summary>
public sealed record AnalyticsPeriod(DateTimeZone Zone, LocalDate From, LocalDate To, Instant Start, Instant End)
{
    public string FromText => LocalDatePattern.Iso.Format(From);

    public string ToText => LocalDatePattern.Iso.Format(To);
}
