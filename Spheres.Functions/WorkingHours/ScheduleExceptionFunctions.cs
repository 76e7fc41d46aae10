using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.WorkingHours;
using Spheres.Functions.Http;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.WorkingHours;

/// <summary>
/// Holidays and days with other hours of one integration (bearer token):
///   GET    integrations/api/{id}/working_hours/exceptions          list
///   POST   integrations/api/{id}/working_hours/exceptions          add one
///   DELETE integrations/api/{id}/working_hours/exceptions/{date}   YYYY-MM-DD for a dated one, MM-DD for a recurring one
/// </summary>
public sealed class ScheduleExceptionFunctions(ScheduleExceptionService exceptions, AccessTokens tokens, ILogger<ScheduleExceptionFunctions> logger)
{
    private const string Tag = "working-hours";

    [Function("ListWorkingHoursExceptions")]
    [ApiOperation(Tag, "The integration's exceptions: dated ones by date, then recurring ones.", RequiresBearer = true,
        Description = "Allowed on every plan.")]
    [ApiResponse(200, "The exceptions.", Body = typeof(ScheduleExceptionJson[]))]
    [ApiResponses(ApiResponseSet.TypeWithoutWorkingHours, ApiResponseSet.NotYours)]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "integrations/api/{id:int}/working_hours/exceptions")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var list = await exceptions.ListAsync(caller, id, cancellationToken);
            return ApiResponse.Json(list.Select(ScheduleExceptionJson.From).ToList());
        });

    [Function("CreateWorkingHoursException")]
    [ApiExample("Christmas", """{"date":"2026-12-25","is_closed":true,"name":"Christmas"}""")]
    [ApiExample("Every New Year", """{"date":"2027-01-01","is_closed":true,"recurring_annually":true}""")]
    [ApiOperation(Tag, "Add a holiday (is_closed) or a day with other hours (ranges) that replaces the weekly rows on date.",
        RequestBody = typeof(ScheduleExceptionRequest), RequiresBearer = true,
        Description = "With recurring_annually it applies on that month and day every year (29 February: leap years only); a dated " +
                      "exception wins over a recurring one on the same day. It replaces the shifts that start on its date: the previous " +
                      "evening's overnight row still runs to its end, and its own ranges may run past midnight. One exception per date " +
                      "and one recurring exception per month and day: another one is 409 (delete the first). At most 100 per integration. " +
                      "It is addressed for DELETE as YYYY-MM-DD, or as MM-DD when recurring.")]
    [ApiResponse(201, "Created.", Body = typeof(ScheduleExceptionJson), Headers = ["Location"])]
    [ApiResponse(400, "Invalid date, ranges (errors names ranges[i].start_time…) or name, or a type without working hours.")]
    [ApiResponse(409, "An exception on this date (or recurring on this month and day) exists already.")]
    [ApiResponses(ApiResponseSet.WorkingHoursPlan, ApiResponseSet.NotYours, ApiResponseSet.BodyOver1Mb)]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "integrations/api/{id:int}/working_hours/exceptions")] HttpRequest request,
        int id,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            var body = await RequestBody.ReadJsonAsync<ScheduleExceptionRequest>(request, cancellationToken);
            var created = await exceptions.CreateAsync(caller, id, body.ToInput(), cancellationToken);
            return ApiResponse.Json(ScheduleExceptionJson.From(created), StatusCodes.Status201Created)
                .WithHeader("Location", $"/api/integrations/api/{id}/working_hours/exceptions/{ScheduleExceptionService.Address(created)}/");
        });

    [Function("DeleteWorkingHoursException")]
    [ApiOperation(Tag, "Delete an exception: {date} is YYYY-MM-DD for a dated one, MM-DD (e.g. 12-25) for one that recurs every year.",
        RequiresBearer = true,
        Description = "A dated and a recurring exception on the same day are two exceptions with two addresses: 2026-12-25 and 12-25.")]
    [ApiResponse(400, "{date} is neither YYYY-MM-DD nor MM-DD.")]
    [ApiResponse(404, "No such exception, or the integration is not yours or not there.")]
    [ApiResponse(409, "Other edits of this schedule kept winning; try again.")]
    [ApiResponses(ApiResponseSet.Deleted, ApiResponseSet.WorkingHoursPlan)]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "integrations/api/{id:int}/working_hours/exceptions/{date}")] HttpRequest request,
        int id,
        string date,
        CancellationToken cancellationToken) =>
        Api.RunAsCallerAsync(request, tokens, logger, async caller =>
        {
            await exceptions.DeleteAsync(caller, id, date, cancellationToken);
            return ApiResponse.Empty(StatusCodes.Status204NoContent);
        });
}
