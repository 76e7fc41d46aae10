using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.WorkingHours;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary><c>…/working-hours/</c>: single rows, each validated against the rest of its integration's week.</summary>
public sealed class WorkingHoursRowEndpointTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Rows_are_created_listed_filtered_replaced_and_deleted()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var telegram = (await _host.CreateIntegrationAsync(tenant, "telegram")).Id();
        var instagram = (await _host.CreateIntegrationAsync(tenant, "instagram")).Id();

        var response = await _host.CreateRowAsync(tenant, telegram, 0, "09:00", "18:00");
        var created = await response.JsonAsync(HttpStatusCode.Created);
        var rowId = created.GetProperty("id").GetInt32();
        Assert.Equal(telegram, created.GetProperty("integration").GetInt32());
        Assert.Equal($"/api/integrations/api/working-hours/{rowId}/", response.Headers.Location?.ToString());
        await (await _host.CreateRowAsync(tenant, instagram, 0, "10:00", "19:00")).JsonAsync(HttpStatusCode.Created); // other week: no overlap
        await (await _host.CreateRowAsync(tenant, telegram, 5, "22:00", "03:00", enabled: false)).JsonAsync(HttpStatusCode.Created);

        var all = await _host.GetJsonAsync(tenant, Flat);
        Assert.Equal(["0 09:00-18:00", "5 22:00-03:00 (off)", "0 10:00-19:00"], all.Describe());
        var onlyInstagram = await _host.GetJsonAsync(tenant, $"{Flat}?integration={instagram}");
        Assert.Equal(["0 10:00-19:00"], onlyInstagram.Describe());
        Assert.Equal((await _host.GetJsonAsync(tenant, Week(telegram))).GetRawText(),
            (await _host.GetJsonAsync(tenant, $"/api/integrations/api/working-hours?integration={telegram}")).GetRawText());

        var replaced = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/",
            new { weekday = 1, start_time = "08:30", end_time = "12:00", is_enabled = true }))).JsonAsync();
        Assert.Equal(rowId, replaced.GetProperty("id").GetInt32());
        Assert.Equal(["1 08:30-12:00", "5 22:00-03:00 (off)"], (await _host.GetJsonAsync(tenant, Week(telegram))).Describe());

        var deleted = await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{Flat}{rowId}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(["5 22:00-03:00 (off)"], (await _host.GetJsonAsync(tenant, Week(telegram))).Describe());
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{Flat}{rowId}/"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/", Row(1, "08:00", "09:00"))))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_null_is_enabled_or_weekday_is_not_given_so_patch_keeps_the_row_and_put_names_what_is_missing()
    {
        // Null means "not given" for every request field the document does not give a meaning to null (here, only the times).
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var rowId = (await (await _host.CreateRowAsync(tenant, id, 5, "10:00", "14:00", enabled: false)).JsonAsync(HttpStatusCode.Created))
            .GetProperty("id").GetInt32();
        var patch = tenant.Request(HttpMethod.Patch, $"{Flat}{rowId}/");
        patch.Content = new StringContent("""{"is_enabled":null,"weekday":null,"end_time":"15:00"}""", System.Text.Encoding.UTF8, "application/json");
        await (await _host.Client.SendAsync(patch)).JsonAsync();
        Assert.Equal(["5 10:00-15:00 (off)"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());

        var put = tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/");
        put.Content = new StringContent("""{"weekday":5,"start_time":"10:00","end_time":"14:00","is_enabled":null}""", System.Text.Encoding.UTF8, "application/json");
        var problem = await (await _host.Client.SendAsync(put)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("is_enabled", out _));
        Assert.Equal(["5 10:00-15:00 (off)"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());
    }

    [Fact]
    public async Task An_overlap_with_an_existing_row_is_400_naming_that_row_by_id()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var week = await _host.SetWeekAsync(tenant, id, Row(0, "20:00", "02:00"), Row(2, "09:00", "18:00"));
        var overnight = week.Ids()[0];

        var problem = await (await _host.CreateRowAsync(tenant, id, 1, "01:00", "05:00")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([WorkingHoursInput.WholeRequest], problem.ErrorFields());
        var message = problem.ErrorText(WorkingHoursInput.WholeRequest);
        Assert.Contains($"row {overnight} (Monday 20:00-02:00)", message);
        Assert.Contains("Tuesday 01:00-02:00", message);
        Assert.DoesNotContain("rows[", message);

        // Replacing a row is checked against the others, not against itself.
        var wednesday = week.Ids()[1];
        var moved = tenant.Request(HttpMethod.Put, $"{Flat}{wednesday}/", new { weekday = 0, start_time = "18:00", end_time = "21:00", is_enabled = true });
        var clash = await (await _host.Client.SendAsync(moved)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"row {overnight}", clash.ErrorText(WorkingHoursInput.WholeRequest));
        var shifted = tenant.Request(HttpMethod.Put, $"{Flat}{wednesday}/", new { weekday = 2, start_time = "10:00", end_time = "17:00", is_enabled = true });
        await (await _host.Client.SendAsync(shifted)).JsonAsync();
        Assert.Equal(["0 20:00-02:00", "2 10:00-17:00"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());
    }

    [Theory]
    [InlineData("{\"integration\":{0},\"weekday\":9,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}", "weekday")]
    [InlineData("{\"integration\":{0},\"weekday\":1,\"start_time\":\"25:00\",\"end_time\":\"18:00\"}", "start_time")]
    [InlineData("{\"integration\":{0},\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"09:00\"}", "end_time")]
    [InlineData("{\"integration\":{0},\"weekday\":1,\"start_time\":\"09:00\"}", "end_time")]
    [InlineData("{\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}", "integration")]
    [InlineData("{\"integration\":\"{0}\",\"weekday\":1,\"start_time\":\"09:00\",\"end_time\":\"18:00\"}", "integration")]
    [InlineData("{\"integration\":{0},\"weekday\":", "body")]
    public async Task Invalid_single_rows_are_400_naming_the_requests_own_fields(string template, string field)
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var json = template.Replace("{0}", id.ToString(), StringComparison.Ordinal);

        var problem = await (await _host.PostRawAsync(tenant, Flat, json)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
        Assert.DoesNotContain("rows[", problem.GetRawText());
        Assert.Empty((await _host.GetJsonAsync(tenant, Flat)).EnumerateArray());
    }

    [Fact]
    public async Task A_full_week_refuses_a_29th_row_and_a_row_never_moves_to_another_integration()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var id = (await _host.CreateIntegrationAsync(tenant, "telegram")).Id();
        var other = (await _host.CreateIntegrationAsync(tenant, "instagram")).Id();
        var week = await _host.SetWeekAsync(tenant, id, [.. Enumerable.Range(0, 28).Select(i => Row(i % 7, $"{i / 7 * 2:00}:00", $"{i / 7 * 2 + 1:00}:00"))]);

        var full = await (await _host.CreateRowAsync(tenant, id, 0, "20:00", "21:00")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["integration"], full.ErrorFields());

        var move = tenant.Request(HttpMethod.Put, $"{Flat}{week.Ids()[0]}/", new { integration = other, weekday = 0, start_time = "00:00", end_time = "01:00", is_enabled = true });
        var moved = await (await _host.Client.SendAsync(move)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["integration"], moved.ErrorFields());
        Assert.Empty((await _host.GetJsonAsync(tenant, Week(other))).EnumerateArray());
    }

    [Fact]
    public async Task The_filter_must_name_one_of_the_callers_integrations_with_working_hours()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var gmail = (await _host.CreateIntegrationAsync(tenant, "gmail")).Id();

        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{Flat}?integration=77"))).ProblemAsync(HttpStatusCode.NotFound);
        var notANumber = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{Flat}?integration=abc"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["integration"], notANumber.ErrorFields());
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{Flat}?integration={gmail}"))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _host.CreateRowAsync(tenant, 77, 0, "09:00", "10:00")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Single_row_writes_need_the_plan()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var rowId = (await _host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00"))).Ids()[0];
        await _host.SetPlanAsync(tenant.TenantId, "free");

        foreach (var response in new[]
        {
            await _host.CreateRowAsync(tenant, id, 1, "09:00", "18:00"),
            await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/", Row(0, "10:00", "18:00"))),
            await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{Flat}{rowId}/")),
        })
        {
            var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
            Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        }
        Assert.Equal(["0 09:00-18:00"], (await _host.GetJsonAsync(tenant, Flat)).Describe());
    }

    [Fact]
    public async Task Of_two_concurrent_overlapping_rows_exactly_one_is_stored()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        using var race = _host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2); // both validated before either commits

        var responses = await Task.WhenAll(
            _host.CreateRowAsync(tenant, id, 3, "09:00", "13:00"),
            _host.CreateRowAsync(tenant, id, 3, "12:00", "18:00"));

        Assert.True(race.Happened, "the two creates never were in flight together");

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var loser = await responses.Single(r => r.StatusCode != HttpStatusCode.Created).ProblemAsync(HttpStatusCode.BadRequest);
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.Created).JsonAsync(HttpStatusCode.Created);
        Assert.Contains($"row {winner.GetProperty("id").GetInt32()}", loser.ErrorText(WorkingHoursInput.WholeRequest));
        Assert.Single((await _host.GetJsonAsync(tenant, Week(id))).EnumerateArray());
    }

    [Fact]
    public async Task Two_concurrent_changes_that_would_overlap_together_cannot_both_pass()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var ids = (await _host.SetWeekAsync(tenant, id, Row(3, "09:00", "10:00"), Row(3, "15:00", "16:00"))).Ids();
        using var race = _host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2);

        // Each is valid against the week it read; together they overlap. No new row id is drawn, only the week's version decides.
        var responses = await Task.WhenAll(
            _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{ids[0]}/", Row(3, "09:00", "13:00"))),
            _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{ids[1]}/", Row(3, "12:00", "16:00"))));

        Assert.True(race.Happened, "the two changes never were in flight together");

        var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.True(winner >= 0, "one change should pass");
        var loser = await responses[1 - winner].ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"row {ids[winner]}", loser.ErrorText(WorkingHoursInput.WholeRequest));
        var week = (await _host.GetJsonAsync(tenant, Week(id))).Describe();
        Assert.Equal(winner == 0 ? ["3 09:00-13:00", "3 15:00-16:00"] : ["3 09:00-10:00", "3 12:00-16:00"], week);
    }

    [Fact]
    public async Task Concurrent_rows_that_fit_together_are_all_stored_with_distinct_ids()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var telegram = (await _host.CreateIntegrationAsync(tenant, "telegram")).Id();
        var messenger = (await _host.CreateIntegrationAsync(tenant, "facebook-messenger")).Id();

        // Two integrations share the tenant's id sequence; one week's rows share its version.
        // All six have read before any commits: five must retry on what the others wrote.
        using var race = _host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 6);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _host.CreateRowAsync(tenant, i % 2 == 0 ? telegram : messenger, i, "09:00", "17:00")));

        Assert.True(race.Happened, "the six creates never were in flight together");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var all = await _host.GetJsonAsync(tenant, Flat);
        Assert.Equal(6, all.GetArrayLength());
        Assert.Equal(Enumerable.Range(1, 6), all.Ids().Order());
    }

    [Fact]
    public async Task Deleting_an_integration_deletes_its_working_hours()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, Exceptions(id), new { date = "2026-12-25", is_closed = true })))
            .JsonAsync(HttpStatusCode.Created);

        var delete = await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{id}/"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        Assert.Empty((await _host.GetJsonAsync(tenant, Flat)).EnumerateArray());
        var stored = await _host.Services.GetRequiredService<WorkingHoursStore>().LoadAsync(tenant.TenantId, id, default);
        Assert.Empty(stored.Rows);
        Assert.Empty(stored.Exceptions);
        Assert.Null(stored.Version);
    }
}
