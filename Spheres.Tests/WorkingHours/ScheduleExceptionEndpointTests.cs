using System.Net;
using System.Text.Json;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary><c>…/{id}/working_hours/exceptions/</c>: holidays and days with other hours.</summary>
public sealed class ScheduleExceptionEndpointTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Exceptions_are_created_listed_and_deleted_by_their_address()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var response = await PostAsync(tenant, id, new
        {
            date = "2026-12-24", ranges = new[] { new { start_time = "10:00", end_time = "14:00" }, new { start_time = "20:00", end_time = "01:00" } },
            name = "  Christmas Eve ",
        });
        var created = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("""{"date":"2026-12-24","is_closed":false,"ranges":[{"start_time":"10:00","end_time":"14:00"},{"start_time":"20:00","end_time":"01:00"}],"name":"Christmas Eve","recurring_annually":false}""",
            created.GetRawText());
        Assert.Equal($"{IntegrationsApi.Base}{id}/working_hours/exceptions/2026-12-24/", response.Headers.Location?.ToString());

        var recurring = await PostAsync(tenant, id, new { date = "2026-01-01", is_closed = true, name = "New Year", recurring_annually = true });
        Assert.Equal($"{IntegrationsApi.Base}{id}/working_hours/exceptions/01-01/", recurring.Headers.Location?.ToString());
        await (await PostAsync(tenant, id, new { date = "2026-01-01", is_closed = true })).JsonAsync(HttpStatusCode.Created); // dated: another slot

        var list = await _host.GetJsonAsync(tenant, Exceptions(id));
        Assert.Equal(["2026-01-01", "2026-12-24", "2026-01-01"], list.Strings("date"));
        Assert.Equal([false, false, true], list.EnumerateArray().Select(e => e.GetProperty("recurring_annually").GetBoolean()));

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync(tenant, id, "01-01")).StatusCode);
        Assert.Equal([false, false], (await _host.GetJsonAsync(tenant, Exceptions(id))).EnumerateArray().Select(e => e.GetProperty("recurring_annually").GetBoolean()));
        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync(tenant, id, "2026-01-01")).StatusCode);
        Assert.Equal(["2026-12-24"], (await _host.GetJsonAsync(tenant, Exceptions(id))).Strings("date"));

        await (await DeleteAsync(tenant, id, "2026-01-01")).ProblemAsync(HttpStatusCode.NotFound);
        await (await DeleteAsync(tenant, id, "12-24")).ProblemAsync(HttpStatusCode.NotFound); // the dated one is not recurring
        var badAddress = await (await DeleteAsync(tenant, id, "24.12.2026")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["date"], badAddress.ErrorFields());
    }

    [Fact]
    public async Task A_second_exception_on_the_same_date_is_a_conflict()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await (await PostAsync(tenant, id, new { date = "2026-12-25", is_closed = true })).JsonAsync(HttpStatusCode.Created);
        await (await PostAsync(tenant, id, new { date = "2020-03-08", is_closed = true, recurring_annually = true })).JsonAsync(HttpStatusCode.Created);

        var sameDate = await (await PostAsync(tenant, id, new { date = "2026-12-25", ranges = new[] { new { start_time = "10:00", end_time = "12:00" } } }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("2026-12-25", sameDate.GetProperty("detail").GetString());
        var sameMonthDay = await (await PostAsync(tenant, id, new { date = "2027-03-08", is_closed = true, recurring_annually = true }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("at 03-08", sameMonthDay.GetProperty("detail").GetString()); // where to delete the one in the way

        var list = await _host.GetJsonAsync(tenant, Exceptions(id));
        Assert.Equal(2, list.GetArrayLength());
        Assert.True(list[1].GetProperty("is_closed").GetBoolean());
    }

    [Theory]
    [InlineData("{\"date\":\"2026-02-30\",\"is_closed\":true}", "date")]
    [InlineData("{\"date\":\"25.12.2026\",\"is_closed\":true}", "date")]
    [InlineData("{\"is_closed\":true}", "date")]
    [InlineData("{\"date\":\"2026-12-25\"}", "ranges")]
    [InlineData("{\"date\":\"2026-12-25\",\"is_closed\":true,\"ranges\":[{\"start_time\":\"10:00\",\"end_time\":\"12:00\"}]}", "ranges")]
    [InlineData("{\"date\":\"2026-12-25\",\"ranges\":[{\"start_time\":\"10:00\",\"end_time\":\"10:00\"}]}", "ranges[0].end_time")]
    [InlineData("{\"date\":\"2026-12-25\",\"ranges\":[{\"start_time\":\"1000\",\"end_time\":\"12:00\"}]}", "ranges[0].start_time")]
    [InlineData("{\"date\":\"2026-12-25\",\"ranges\":[{\"start_time\":\"10:00\",\"end_time\":\"14:00\"},{\"start_time\":\"13:00\",\"end_time\":\"15:00\"}]}", "ranges[1]")]
    [InlineData("{\"date\":\"2026-12-25\",\"ranges\":[null]}", "ranges[0]")]
    [InlineData("{\"date\":\"2026-12-25\",\"is_closed\":\"yes\"}", "is_closed")]
    [InlineData("{\"date\":\"2026-12-25\",", "body")]
    public async Task Invalid_exceptions_are_400_naming_the_field_and_store_nothing(string json, string field)
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var problem = await (await _host.PostRawAsync(tenant, Exceptions(id), json)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.ErrorFields());
        Assert.Empty((await _host.GetJsonAsync(tenant, Exceptions(id))).EnumerateArray());
    }

    [Fact]
    public async Task A_long_name_is_refused()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var problem = await (await PostAsync(tenant, id, new { date = "2026-12-25", is_closed = true, name = new string('x', 101) }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["name"], problem.ErrorFields());
    }

    [Fact]
    public async Task Exceptions_follow_the_plan_and_type_rules()
    {
        var (free, freeId) = await _host.TenantWithTelegramAsync(plan: "free");
        var denied = await (await PostAsync(free, freeId, new { date = "2026-12-25", is_closed = true })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/plan-required", denied.GetProperty("type").GetString());
        await (await DeleteAsync(free, freeId, "2026-12-25")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(JsonValueKind.Array, (await _host.GetJsonAsync(free, Exceptions(freeId))).ValueKind);

        var tenant = await _host.RegisterAsync(plan: "starter");
        var zoom = (await _host.CreateIntegrationAsync(tenant, "zoom")).Id();
        await (await PostAsync(tenant, zoom, new { date = "2026-12-25", is_closed = true })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("02-30")]
    [InlineData("christmas")]
    public async Task A_bad_address_is_a_400_before_the_plan_or_the_integration_is_looked_at(string address)
    {
        // The input is checked before storage: the same 400 on a plan without working hours and on someone else's integration.
        var (free, freeId) = await _host.TenantWithTelegramAsync(plan: "free");
        await (await DeleteAsync(free, freeId, address)).ProblemAsync(HttpStatusCode.BadRequest);
        var (other, _) = await _host.TenantWithTelegramAsync();
        await (await DeleteAsync(other, freeId, address)).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private Task<HttpResponseMessage> PostAsync(TenantSession tenant, int id, object body) =>
        _host.Client.SendAsync(tenant.Request(HttpMethod.Post, Exceptions(id), body));

    private Task<HttpResponseMessage> DeleteAsync(TenantSession tenant, int id, string address) =>
        _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{Exceptions(id)}{address}/"));
}
