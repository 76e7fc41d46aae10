using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Problems;
using Spheres.Core.WorkingHours;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.WorkingHours;

/// <summary>
/// Working hours of the tenant's Telegram, Instagram and Messenger integrations (bearer token):
///   GET    integrations/api/{id}/working_hours          the integration's week
///   POST   integrations/api/{id}/working_hours          replace the whole week (atomic; [] clears it)
///   GET    integrations/api/{id}/working_hours/status   open now? next opening and closing
///   GET    integrations/api/working-hours               every row of the tenant; ?integration={id}
///   POST   integrations/api/working-hours               add one row to an integration's week
///   PUT    integrations/api/working-hours/{id}       replace one row (every field sent)
///   PATCH  integrations/api/working-hours/{id}       change the fields sent
///   DELETE integrations/api/working-hours/{id}       delete one row
/// Reads are allowed on every plan; writes need a plan with working hours. Exceptions: <see cref="ScheduleExceptionFunctions"/>.
/// </summary>
public sealed class WorkingHoursFunctions(WorkingHoursService workingHours, AccessTokens tokens, ILogger<WorkingHoursFunctions> logger)
{
    private const string Tag = "working-hours";
    private const string Rules =
        "Times are HH:MM in the profile's time zone; an end earlier than the start runs past midnight; start = end is invalid. " +
        "Enabled rows of one integration may not overlap, an overnight row included; at most 28 rows a week.";

    [Function("GetWorkingHours")]
    [ApiOperation(Tag, "The integration's weekly rows, by weekday and start time.", RequiresBearer = true,
        Description = "Allowed on every plan. No rows: always open. Only rows that are all disabled: never open.")]
    [ApiResponse(200, "The rows.", Body = typeof(WorkingHoursRowJson[]))]
    [ApiResponse(400, "The integration's type has no working hours (problem type working-hours-unsupported).")]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> GetWeek(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/{id:int}/working_hours")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return Rows(await workingHours.GetWeekAsync(caller, id, cancellationToken));
        });

    [Function("ReplaceWorkingHours")]
    [ApiExample("Weekdays and a short Saturday", """[{"weekday":0,"start_time":"09:00","end_time":"18:00"},{"weekday":1,"start_time":"09:00","end_time":"18:00"},{"weekday":5,"start_time":"10:00","end_time":"14:00"},{"weekday":6,"is_enabled":false}]""")]
    [ApiExample("Clear the week", """[]""")]
    [ApiOperation(Tag, "Replace the whole week with the rows sent (an array; [] clears it).", RequestBody = typeof(WeekRowRequest[]), BodyMaxItems = WorkingHoursValidator.MaxRowsPerWeek, RequiresBearer = true,
        Description = "All or nothing: a rejected week leaves the stored one as it was. Every row gets a new id, in the order sent; " +
                      "the answer lists the stored rows by weekday and start time. " + Rules)]
    [ApiResponse(200, "The stored week.", Body = typeof(WorkingHoursRowJson[]))]
    [ApiResponse(400, "Invalid rows: errors names them as rows[i] or rows[i].field, an overlap names both rows; or the type has no working hours.")]
    [ApiResponses(ApiResponseSet.WorkingHoursPlan, ApiResponseSet.NotYours, ApiResponseSet.WeekEditConflict, ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> ReplaceWeek(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/working_hours")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var rows = await RequestBody.ReadJsonArrayAsync<WeekRowRequest>(request, "rows", cancellationToken);
            return Rows(await workingHours.ReplaceWeekAsync(caller, id, rows.Select(r => r?.ToInput()).ToList(), cancellationToken));
        });

    [Function("GetWorkingHoursStatus")]
    [ApiOperation(Tag, "Whether the integration is open now, and when it next opens and closes.", RequiresBearer = true,
        Description = "In the profile's time zone; instants are ISO 8601 with that zone's offset at the instant. next_open_at is null " +
                      "when always open or never open again; next_close_at is null when always open or never open. Exceptions apply. " +
                      "Allowed on every plan; it evaluates the stored schedule.")]
    [ApiResponse(200, "The status.", Body = typeof(WorkingHoursStatusJson))]
    [ApiResponses(ApiResponseSet.TypeWithoutWorkingHours, ApiResponseSet.NotYours)]
    public Task<IActionResult> GetStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/{id:int}/working_hours/status")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            return ApiResponse.Json(WorkingHoursStatusJson.From(await workingHours.GetStatusAsync(caller, id, cancellationToken)));
        });

    [Function("ListWorkingHoursRows")]
    [ApiOperation(Tag, "Every working-hours row of the tenant, by integration, weekday and start time.", RequiresBearer = true,
        Description = "Allowed on every plan.")]
    [ApiQuery("integration", typeof(int), "Only this integration's rows; an integration that is not yours is 404.", MinimumValue = 1, MaximumValue = 999_999_999)]
    [ApiResponse(200, "The rows.", Body = typeof(WorkingHoursRowJson[]))]
    [ApiResponse(400, "integration is not a number, or names a type without working hours.")]
    [ApiResponse(404, "The integration in the filter is not yours or not there.")]
    public Task<IActionResult> ListRows(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/working-hours")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var filter = request.Query.TryGetValue("integration", out var value) ? value.ToString() : null;
            return Rows(await workingHours.ListRowsAsync(caller, filter, cancellationToken));
        });

    [Function("CreateWorkingHoursRow")]
    [ApiExample("Thursday morning", """{"integration":1,"weekday":3,"start_time":"09:00","end_time":"13:00"}""")]
    [ApiOperation(Tag, "Add one row to an integration's week.", RequestBody = typeof(WorkingHoursRowRequest), RequiresBearer = true,
        Description = "Validated against the integration's whole week. Errors name this request's fields (weekday, start_time, end_time, " +
                      "integration); an overlap is reported under body and names the existing row by id. " + Rules)]
    [ApiResponse(201, "Created.", Body = typeof(WorkingHoursRowJson), Headers = ["Location"])]
    [ApiResponse(400, "Invalid row, an overlap with an existing row, a full week, or a type without working hours.")]
    [ApiResponse(404, "The integration is not yours or not there.")]
    [ApiResponses(ApiResponseSet.WorkingHoursPlan, ApiResponseSet.WeekEditConflict, ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> CreateRow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/working-hours")] HttpRequest request,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<WorkingHoursRowRequest>(request, cancellationToken);
            var created = await workingHours.CreateRowAsync(caller, body.ToInput(), cancellationToken);
            return ApiResponse.Json(WorkingHoursRowJson.From(created), StatusCodes.Status201Created)
                .WithHeader("Location", $"/api/integrations/api/working-hours/{created.Id}/");
        });

    [Function("GetWorkingHoursRow")]
    [ApiOperation(Tag, "One working-hours row.", RequiresBearer = true,
        Description = "Allowed on every plan. The row as the lists show it; a row of another tenant is 404, like one that does not exist.")]
    [ApiResponse(200, "The row.", Body = typeof(WorkingHoursRowJson))]
    [ApiResponses(ApiResponseSet.NotYours)]
    public Task<IActionResult> GetRow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/working-hours/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
            ApiResponse.Json(WorkingHoursRowJson.From(await workingHours.GetRowAsync(caller, id, cancellationToken))));

    [Function("ReplaceWorkingHoursRow")]
    [ApiExample("Friday morning", """{"weekday":4,"start_time":"08:00","end_time":"12:00","is_enabled":true}""")]
    [ApiOperation(Tag, "Replace one row: weekday, start_time, end_time and is_enabled must all be sent.",
        RequestBody = typeof(WorkingHoursRowPutRequest), RequiresBearer = true,
        Description = "A missing field is a 400 naming it, never a default. A disabled row may send both times as null. " +
                      "A row stays with its integration: integration may be omitted, another one is 400. Validated against the rest of " +
                      "the week like a new row. " + Rules)]
    [ApiResponse(200, "The row.", Body = typeof(WorkingHoursRowJson))]
    [ApiResponse(400, "A missing field, an invalid row or an overlap with another row (named by id).")]
    [ApiResponses(ApiResponseSet.WorkingHoursPlan, ApiResponseSet.NotYours, ApiResponseSet.WeekEditConflict, ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> ReplaceRow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "integrations/api/working-hours/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var (body, given) = await ReadRowAsync(request, cancellationToken);
            var missing = new FieldErrors();
            foreach (var field in WorkingHoursInput.RowFields.Where(f => !given.Contains(f)))
            {
                missing.Add(field, "PUT replaces the whole row: send this field too (or use PATCH to change only some).");
            }
            missing.ThrowIfAny();
            return ApiResponse.Json(WorkingHoursRowJson.From(await workingHours.ReplaceRowAsync(caller, id, body.ToInput(), cancellationToken)));
        });

    [Function("PatchWorkingHoursRow")]
    [ApiExample("Later start", """{"start_time":"09:30"}""")]
    [ApiOperation(Tag, "Change only the fields sent (weekday, start_time, end_time, is_enabled); the rest stay.",
        RequestBody = typeof(WorkingHoursRowRequest), RequiresBearer = true,
        Description = "Enabling a row that has no times needs start_time and end_time in the same request. " + Rules)]
    [ApiResponse(200, "The row.", Body = typeof(WorkingHoursRowJson))]
    [ApiResponse(400, "An invalid field, or an overlap with another row (named by id).")]
    [ApiResponses(ApiResponseSet.WorkingHoursPlan, ApiResponseSet.NotYours, ApiResponseSet.WeekEditConflict, ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> PatchRow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "integrations/api/working-hours/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var (body, given) = await ReadRowAsync(request, cancellationToken);
            return ApiResponse.Json(WorkingHoursRowJson.From(await workingHours.ReplaceRowAsync(caller, id, body.ToInput(), cancellationToken, given)));
        });

    /// <summary>
    /// The fields whose null means something (<see cref="ApiNullableAttribute"/>, as the document says: a disabled row's times);
    /// elsewhere null is "not given", as for every request field.
    /// </summary>
    private static readonly HashSet<string> RowFieldsWithMeaningfulNull = ApiJson.Options.GetTypeInfo(typeof(WorkingHoursRowRequest)).Properties
        .Where(p => p.AttributeProvider?.IsDefined(typeof(ApiNullableAttribute), inherit: true) == true)
        .Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The row and the names of the fields the body gives: a null only where it means something, so a PATCH with
    /// <c>"is_enabled": null</c> leaves the row as it is and a PUT says what is missing.
    /// </summary>
    private static async Task<(WorkingHoursRowRequest Body, IReadOnlySet<string> Given)> ReadRowAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await RequestBody.ReadBytesAsync(request, RequestBody.DefaultLimitBytes, cancellationToken);
        var body = RequestBody.ParseJson<WorkingHoursRowRequest>(bytes);
        using var document = System.Text.Json.JsonDocument.Parse(bytes); // parsed above, so valid and without repeated names
        var given = document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind != System.Text.Json.JsonValueKind.Null || RowFieldsWithMeaningfulNull.Contains(p.Name))
            .Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return (body, given);
    }

    [Function("DeleteWorkingHoursRow")]
    [ApiOperation(Tag, "Delete one row.", RequiresBearer = true,
        Description = "Needs a plan with working hours; the week without the row must still be valid.")]
    [ApiResponses(ApiResponseSet.Deleted, ApiResponseSet.WorkingHoursPlan, ApiResponseSet.NotYours, ApiResponseSet.WeekEditConflict)]
    public Task<IActionResult> DeleteRow(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "integrations/api/working-hours/{id:int}")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            await workingHours.DeleteRowAsync(caller, id, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });

    private static ApiResponse Rows(IEnumerable<StoredRow> rows) => ApiResponse.Json(rows.Select(WorkingHoursRowJson.From).ToList());
}
