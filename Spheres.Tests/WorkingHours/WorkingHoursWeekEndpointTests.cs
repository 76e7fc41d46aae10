using System.Net;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary><c>GET/POST …/{id}/working_hours/</c>: the whole week, replaced at once.</summary>
public sealed class WorkingHoursWeekEndpointTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_week_is_stored_with_new_ids_and_read_back_in_weekday_order()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        Assert.Empty((await _host.GetJsonAsync(tenant, Week(id))).EnumerateArray());

        var stored = await _host.SetWeekAsync(tenant, id,
            Row(4, "10:00", "16:00"), Row(0, "14:00", "18:00"), Row(0, "09:00", "13:00"), Row(5, "22:00", "02:00"), Row(6, "12:00", "13:00", enabled: false));

        Assert.Equal(["0 09:00-13:00", "0 14:00-18:00", "4 10:00-16:00", "5 22:00-02:00", "6 12:00-13:00 (off)"], stored.Describe());
        Assert.All(stored.EnumerateArray(), r => Assert.Equal(id, r.GetProperty("integration").GetInt32()));
        // Ids are assigned in the order sent: Friday's row was first.
        Assert.Equal([3, 2, 1, 4, 5], stored.Ids());
        var first = stored[0];
        Assert.Equal(["id", "integration", "weekday", "start_time", "end_time", "is_enabled"], first.EnumerateObject().Select(p => p.Name));

        var read = await _host.GetJsonAsync(tenant, Week(id).TrimEnd('/'));
        Assert.Equal(stored.GetRawText(), read.GetRawText());
    }

    [Fact]
    public async Task Posting_again_replaces_the_whole_week_and_an_empty_array_clears_it()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var before = await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));

        var after = await _host.SetWeekAsync(tenant, id, Row(5, "10:00", "14:00"));
        Assert.Equal(["5 10:00-14:00"], after.Describe());
        Assert.DoesNotContain(after.Ids()[0], before.Ids()); // new ids, the old rows are gone
        Assert.Equal(["5 10:00-14:00"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());

        Assert.Empty((await _host.SetWeekAsync(tenant, id)).EnumerateArray());
        Assert.Empty((await _host.GetJsonAsync(tenant, Week(id))).EnumerateArray());
        Assert.Empty((await _host.GetJsonAsync(tenant, Flat)).EnumerateArray());
    }

    [Fact]
    public async Task A_rejected_week_leaves_the_stored_one_intact()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var stored = await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));

        var rejected = await _host.PostWeekAsync(tenant, id, new[] { Row(0, "08:00", "12:00"), Row(0, "11:00", "15:00"), Row(3, "10:00", "10:00") });
        var problem = await rejected.ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["rows[1]", "rows[2].end_time"], problem.ErrorFields().Order());
        Assert.Equal(stored.GetRawText(), (await _host.GetJsonAsync(tenant, Week(id))).GetRawText());
    }

    [Fact]
    public async Task An_overnight_row_overlapping_the_next_mornings_row_is_rejected_naming_both_rows()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var problem = await (await _host.PostWeekAsync(tenant, id, new[]
        {
            Row(1, "09:00", "17:00"), Row(0, "20:00", "02:00"), Row(1, "01:00", "05:00"), Row(6, "23:00", "01:00"), Row(0, "00:30", "03:00"),
        })).ProblemAsync(HttpStatusCode.BadRequest);

        // Monday 20:00–02:00 runs into Tuesday 01:00; Sunday 23:00–01:00 runs into Monday 00:30.
        Assert.Equal(["rows[2]", "rows[4]"], problem.ErrorFields().Order());
        Assert.Contains("rows[1]", problem.ErrorText("rows[2]"));
        Assert.Contains("Tuesday 01:00-02:00", problem.ErrorText("rows[2]"));
        Assert.Contains("rows[3]", problem.ErrorText("rows[4]"));
        Assert.Empty((await _host.GetJsonAsync(tenant, Week(id))).EnumerateArray());
    }

    [Fact]
    public async Task Disabled_rows_may_overlap_anything()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var stored = await _host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00"), Row(0, "10:00", "12:00", enabled: false));
        Assert.Equal(2, stored.GetArrayLength());
    }

    [Theory]
    [InlineData("[{\"weekday\":7,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}]", "rows[0].weekday")]
    [InlineData("[{\"weekday\":-1,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}]", "rows[0].weekday")]
    [InlineData("[{\"start_time\":\"09:00\",\"end_time\":\"18:00\"}]", "rows[0].weekday")]
    [InlineData("[{\"weekday\":\"1\",\"start_time\":\"09:00\",\"end_time\":\"18:00\"}]", "rows[0].weekday")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"9:00\",\"end_time\":\"18:00\"}]", "rows[0].start_time")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"24:00\",\"end_time\":\"18:00\"}]", "rows[0].start_time")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"09:60\"}]", "rows[0].end_time")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"09:00\"}]", "rows[0].end_time")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"09:00\"}]", "rows[0].end_time")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"18:00\"},null]", "rows[1]")]
    [InlineData("[{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"18:00\",\"is_enabled\":\"yes\"}]", "rows[0].is_enabled")]
    [InlineData("{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}", "body")]
    [InlineData("[{\"weekday\":1,", "body")]
    public async Task Invalid_rows_are_400_naming_the_row_and_field_and_change_nothing(string json, string field)
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var stored = await _host.SetWeekAsync(tenant, id, Row(6, "10:00", "14:00"));

        var problem = await (await _host.PostRawAsync(tenant, Week(id), json)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(stored.GetRawText(), (await _host.GetJsonAsync(tenant, Week(id))).GetRawText());
    }

    [Fact]
    public async Task A_week_holds_at_most_28_rows()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        object[] Hours(int count) => [.. Enumerable.Range(0, count).Select(i => Row(i % 7, $"{i / 7 * 2:00}:00", $"{i / 7 * 2 + 1:00}:00"))];

        Assert.Equal(28, (await _host.SetWeekAsync(tenant, id, Hours(28))).GetArrayLength());
        var problem = await (await _host.PostWeekAsync(tenant, id, Hours(29))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["rows"], problem.ErrorFields());
        Assert.Equal(28, (await _host.GetJsonAsync(tenant, Week(id))).GetArrayLength());
    }

    [Fact]
    public async Task Working_hours_need_a_plan_that_has_them_but_reading_them_does_not()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync(plan: "free");
        var problem = await (await _host.PostWeekAsync(tenant, id, Weekdays("09:00", "18:00"))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        Assert.Empty((await _host.GetJsonAsync(tenant, Week(id))).EnumerateArray());

        // A downgrade keeps what was set: visible, but no longer editable.
        await _host.SetPlanAsync(tenant.TenantId, "starter");
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        await _host.SetPlanAsync(tenant.TenantId, "free");
        Assert.Equal(5, (await _host.GetJsonAsync(tenant, Week(id))).GetArrayLength());
        await _host.GetJsonAsync(tenant, Status(id));
        await (await _host.PostWeekAsync(tenant, id, Array.Empty<object>())).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(5, (await _host.GetJsonAsync(tenant, Week(id))).GetArrayLength());
    }

    [Theory]
    [InlineData("gmail")]
    [InlineData("whatsapp")]
    public async Task Types_without_working_hours_are_400(string slug)
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var id = (await _host.CreateIntegrationAsync(tenant, slug)).Id();

        foreach (var response in new[]
        {
            await _host.PostWeekAsync(tenant, id, Weekdays("09:00", "18:00")),
            await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, Week(id))),
            await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, Status(id))),
            await _host.CreateRowAsync(tenant, id, 0, "09:00", "18:00"),
        })
        {
            var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.EndsWith("/working-hours-unsupported", problem.GetProperty("type").GetString());
            Assert.Contains("Telegram", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("instagram")]
    [InlineData("facebook-messenger")]
    public async Task Instagram_and_messenger_have_working_hours_too(string slug)
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var id = (await _host.CreateIntegrationAsync(tenant, slug)).Id();
        Assert.Equal(5, (await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"))).GetArrayLength());
    }

    [Theory]
    [InlineData("/api/integrations/api/99/working_hours/")]
    [InlineData("/api/integrations/api/99/working_hours/status")]
    [InlineData("/api/integrations/api/99/working_hours/exceptions/")]
    public async Task An_unknown_integration_is_404(string path)
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.NotFound);
        await (await _host.PostWeekAsync(tenant, 99, Weekdays("09:00", "18:00"))).ProblemAsync(HttpStatusCode.NotFound);
    }
}
