using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Spheres.Functions.OpenApi;
using NodaTime;
using Spheres.Core.WorkingHours;

namespace Spheres.Functions.WorkingHours;

/// <summary>Working-hours row JSON (API.md): times "HH:MM", weekday 0 = Monday … 6 = Sunday; a disabled row may have both times null.</summary>
public sealed record WorkingHoursRowJson(
    int Id, int Integration, [property: Range(0, 6)] int Weekday,
    [property: RegularExpression(WorkingHoursRowJson.TimePattern)] string? StartTime,
    [property: RegularExpression(WorkingHoursRowJson.EndTimePattern), Description("\"24:00\" is the end of the day, read back as written.")] string? EndTime,
    bool IsEnabled)
{
    public static WorkingHoursRowJson From(StoredRow stored) => new(
        stored.Id, stored.IntegrationId, stored.Row.Weekday,
        stored.Row.HasTimes ? HourMinute(stored.Row.StartTime) : null,
        stored.Row.HasTimes ? EndOf(stored.Row.Range) : null, stored.Row.IsEnabled);

    /// <summary>"HH:MM", 24-hour.</summary>
    public const string TimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    /// <summary>An end time: "HH:MM" or "24:00", the end of the day.</summary>
    public const string EndTimePattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

    internal static string HourMinute(LocalTime time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The end as the owner wrote it: "24:00" stays "24:00".</summary>
    internal static string EndOf(TimeRange range) => range.EndsAtEndOfDay ? WorkingHoursInput.EndOfDay : HourMinute(range.End);
}

/// <summary>One row of a week sent to <c>POST …/{id}/working_hours</c>. <c>is_enabled</c> defaults to true; ids sent back are ignored.</summary>
// Examples: a row's times relate to each other and to the week's other rows, which no schema states (docs/openapi.md).
[ApiExamples("""{"weekday":0,"start_time":"09:00","end_time":"18:00"}""", """{"weekday":2,"start_time":"10:00","end_time":"24:00","is_enabled":true}""",
    """{"weekday":5,"is_enabled":false}""", """{"weekday":6,"start_time":"00:00","end_time":"06:30"}""")]
[ApiRequiredUnlessFalse("is_enabled", "start_time", "end_time")]
public sealed record WeekRowRequest(
    [property: Required, Range(0, 6)] int? Weekday,
    [property: ApiNullable, RegularExpression(WorkingHoursRowJson.TimePattern), Description("Null or left out only when is_enabled is false.")] string? StartTime,
    [property: ApiNullable, RegularExpression(WorkingHoursRowJson.EndTimePattern), Description("Null or left out only when is_enabled is false.")] string? EndTime,
    [property: Description("Default true.")] bool? IsEnabled)
{
    public RowInput ToInput() => new(Weekday, StartTime, EndTime, IsEnabled);
}

/// <summary>PUT of one row: every field is required (<c>integration</c> may be omitted); times may be null only when <c>is_enabled</c> is false.</summary>
[ApiExamples("""{"weekday":4,"start_time":"08:00","end_time":"12:00","is_enabled":true}""",
    """{"integration":1,"weekday":4,"start_time":null,"end_time":null,"is_enabled":false}""")]
[ApiRequiredUnlessFalse("is_enabled", "start_time", "end_time")]
public sealed record WorkingHoursRowPutRequest(
    int? Integration,
    [property: Required, Range(0, 6)] int Weekday,
    [property: Required, ApiNullable, RegularExpression(WorkingHoursRowJson.TimePattern)] string? StartTime,
    [property: Required, ApiNullable, RegularExpression(WorkingHoursRowJson.EndTimePattern)] string? EndTime,
    [property: Required] bool IsEnabled);

/// <summary>One row for <c>POST/PATCH …/working-hours</c>. <c>integration</c> is required on POST; on PUT it may be omitted (a row never moves).</summary>
[ApiExamples("""{"integration":1,"weekday":3,"start_time":"09:00","end_time":"13:00"}""", """{"integration":1,"weekday":3,"is_enabled":false}""",
    """{"integration":1,"weekday":1,"start_time":"14:00","end_time":"24:00","is_enabled":true}""")]
public sealed record WorkingHoursRowRequest(
    [property: Description("Required on POST.")] int? Integration,
    [property: Range(0, 6)] int? Weekday,
    [property: ApiNullable, RegularExpression(WorkingHoursRowJson.TimePattern)] string? StartTime,
    [property: ApiNullable, RegularExpression(WorkingHoursRowJson.EndTimePattern)] string? EndTime,
    bool? IsEnabled)
{
    public RowInput ToInput() => new(Weekday, StartTime, EndTime, IsEnabled, Integration);
}

/// <summary><c>GET …/working_hours/status</c>: instants carry the profile zone's offset at that instant; null where there is none.</summary>
public sealed record WorkingHoursStatusJson(bool IsOpen, string Timezone, DateTimeOffset NowLocal, DateTimeOffset? NextOpenAt, DateTimeOffset? NextCloseAt)
{
    public static WorkingHoursStatusJson From(WorkingHoursStatus status) => new(
        status.IsOpen, status.TimeZone, status.NowLocal.ToDateTimeOffset(), status.NextOpenAt?.ToDateTimeOffset(), status.NextCloseAt?.ToDateTimeOffset());
}

public sealed record TimeRangeJson(string StartTime, string EndTime);

/// <summary>
/// A holiday (<c>is_closed</c>, no ranges) or a day with other hours (<c>ranges</c>) replacing the
/// weekly rows on <c>date</c>; with <c>recurring_annually</c> on that month and day every year.
/// </summary>
public sealed record ScheduleExceptionJson(string Date, bool IsClosed, IReadOnlyList<TimeRangeJson> Ranges, string? Name, bool RecurringAnnually)
{
    public static ScheduleExceptionJson From(ScheduleException exception) => new(
        exception.Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), exception.IsClosed,
        exception.Ranges.Select(r => new TimeRangeJson(WorkingHoursRowJson.HourMinute(r.Start), WorkingHoursRowJson.EndOf(r))).ToList(),
        exception.Name, exception.RecurringAnnually);
}

[ApiExamples("""{"start_time":"09:00","end_time":"12:00"}""", """{"start_time":"13:00","end_time":"17:30"}""", """{"start_time":"18:00","end_time":"24:00"}""")]
public sealed record TimeRangeRequest(
    [property: Required, RegularExpression(WorkingHoursRowJson.TimePattern)] string? StartTime,
    [property: Required, RegularExpression(WorkingHoursRowJson.EndTimePattern)] string? EndTime);

/// <summary>A new exception. <c>is_closed</c> and <c>recurring_annually</c> default to false, <c>ranges</c> to none.</summary>
[ApiExamples("""{"date":"2026-12-25","is_closed":true,"name":"Christmas"}""", """{"date":"2027-01-01","is_closed":true,"recurring_annually":true,"name":"New Year"}""",
    """{"date":"2027-03-08","ranges":[{"start_time":"10:00","end_time":"14:00"}]}""")]
public sealed record ScheduleExceptionRequest(
    [property: Required, RegularExpression("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), ApiFormat("date"),
     Description("YYYY-MM-DD; with recurring_annually its month and day recur every year.")] string? Date,
    bool? IsClosed,
    [property: MaxLength(WorkingHoursValidator.MaxRangesPerException)] IReadOnlyList<TimeRangeRequest?>? Ranges,
    string? Name, bool? RecurringAnnually)
{
    public ExceptionInput ToInput() => new(
        Date, IsClosed, Ranges?.Select(r => r is null ? null : new RangeInput(r.StartTime, r.EndTime)).ToList(), Name, RecurringAnnually);
}
