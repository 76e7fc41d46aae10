using System.Globalization;

namespace Spheres.Core.Plans;

/// <summary>The metering period: the calendar month in UTC.</summary>
public readonly record struct UsagePeriod(DateTimeOffset Start, DateTimeOffset End)
{
    public static UsagePeriod Containing(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new UsagePeriod(start, start.AddMonths(1));
    }

    /// <summary>Row key of the period's counter, e.g. <c>usage-2026-11</c>.</summary>
    public string RowKey => "usage-" + Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
