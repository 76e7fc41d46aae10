using System.Net;
using Spheres.Core.WorkingHours;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.Hardening;

/// <summary>Oversized input is refused by its size before any per-item work, with a bounded answer, and stores nothing.</summary>
public sealed class BoundedWorkTests
{
    [Fact]
    public async Task A_megabyte_week_is_refused_by_its_row_count_with_one_error()
    {
        await using var host = await TestHost.StartSharedAsync();
        var (tenant, id) = await host.TenantWithTelegramAsync();
        var rows = Enumerable.Range(0, 12_000).Select(i => Row(i % 7, "09:00", "18:00")).ToArray(); // just under 1 MB, all overlapping

        var problem = await (await host.PostWeekAsync(tenant, id, rows)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["rows"], problem.ErrorFields());
        Assert.Contains("12000", problem.ErrorText("rows"));
        Assert.Equal(0, (await host.GetJsonAsync(tenant, Week(id))).GetArrayLength());
    }

    [Fact]
    public async Task Every_error_of_a_full_bad_week_is_not_listed_without_bound()
    {
        await using var host = await TestHost.StartSharedAsync();
        var (tenant, id) = await host.TenantWithTelegramAsync();
        var rows = Enumerable.Range(0, WorkingHoursValidator.MaxRowsPerWeek).Select(i => new { weekday = 9, start_time = "25:00", end_time = "x" }).ToArray();

        var problem = await (await host.PostWeekAsync(tenant, id, rows)).ProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.InRange(errors.Count, 1, Spheres.Core.Problems.FieldErrors.MaxFields);
        Assert.All(errors, e => Assert.InRange(e.Value.GetArrayLength(), 1, Spheres.Core.Problems.FieldErrors.MaxMessagesPerField));
    }

    [Fact]
    public async Task An_exception_of_2880_one_minute_ranges_is_a_400_not_a_500()
    {
        await using var host = await TestHost.StartSharedAsync();
        var (tenant, id) = await host.TenantWithTelegramAsync();
        var ranges = Enumerable.Range(0, 2880).Select(m => new
        {
            start_time = $"{m / 2 / 60 % 24:00}:{m / 2 % 60:00}", end_time = $"{(m / 2 + 1) / 60 % 24:00}:{(m / 2 + 1) % 60:00}",
        }).ToArray();

        var response = await host.Client.SendAsync(tenant.Request(HttpMethod.Post, Exceptions(id),
            new { date = "2026-12-31", is_closed = false, ranges, name = "New Year's Eve" }));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["ranges"], problem.ErrorFields());
        Assert.Equal(0, (await host.GetJsonAsync(tenant, Exceptions(id))).GetArrayLength());
    }

    [Fact]
    public async Task The_most_ranges_an_exception_may_hold_are_stored_and_read_back()
    {
        await using var host = await TestHost.StartSharedAsync();
        var (tenant, id) = await host.TenantWithTelegramAsync();
        var ranges = Enumerable.Range(0, WorkingHoursValidator.MaxRangesPerException)
            .Select(h => new { start_time = $"{h:00}:00", end_time = $"{h:00}:30" }).ToArray();

        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Post, Exceptions(id),
            new { date = "2026-12-31", is_closed = false, ranges, name = new string('я', WorkingHoursValidator.MaxExceptionNameLength) }))).JsonAsync(HttpStatusCode.Created);
        var stored = await host.GetJsonAsync(tenant, Exceptions(id));
        Assert.Equal(WorkingHoursValidator.MaxRangesPerException, stored[0].GetProperty("ranges").GetArrayLength());
    }
}
