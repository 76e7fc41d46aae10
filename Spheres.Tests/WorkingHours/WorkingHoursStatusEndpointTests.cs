using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary>
/// <c>GET …/working_hours/status/</c> at chosen instants (a FakeTimeProvider), for a salon in Kyiv:
/// EET (+02:00) in winter, EEST (+03:00) in summer.
/// </summary>
public sealed class WorkingHoursStatusEndpointTests : IAsyncLifetime
{
    // Monday 30 November 2026, 10:00 in Kyiv.
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(MondayMorning);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Inside_working_hours_it_is_open_until_the_end_of_the_shift()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));

        var status = await _host.GetJsonAsync(tenant, Status(id));

        Assert.True(status.GetProperty("is_open").GetBoolean());
        Assert.Equal("Europe/Kyiv", status.GetProperty("timezone").GetString());
        Assert.Equal("2026-11-30T10:00:00+02:00", status.GetProperty("now_local").GetString());
        Assert.Equal("2026-11-30T18:00:00+02:00", status.GetProperty("next_close_at").GetString());
        Assert.Equal("2026-12-01T09:00:00+02:00", status.GetProperty("next_open_at").GetString());
        Assert.Equal(["is_open", "timezone", "now_local", "next_open_at", "next_close_at"], status.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task After_friday_closing_it_is_closed_until_monday()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        _clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 17, 30, 0, TimeSpan.Zero)); // Friday 19:30 in Kyiv
        tenant = await _host.SignInAgainAsync(tenant);

        var status = await _host.GetJsonAsync(tenant, Status(id));

        Assert.False(status.GetProperty("is_open").GetBoolean());
        Assert.Equal("2026-12-04T19:30:00+02:00", status.GetProperty("now_local").GetString());
        Assert.Equal("2026-12-07T09:00:00+02:00", status.GetProperty("next_open_at").GetString());
        Assert.Equal("2026-12-07T18:00:00+02:00", status.GetProperty("next_close_at").GetString());
    }

    [Fact]
    public async Task Times_after_the_clocks_change_carry_the_new_offset()
    {
        _clock.SetUtcNow(new DateTimeOffset(2027, 3, 26, 17, 0, 0, TimeSpan.Zero)); // Friday 19:00 EET; EEST from Sunday 28 March
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));

        var status = await _host.GetJsonAsync(tenant, Status(id));

        Assert.Equal("2027-03-26T19:00:00+02:00", status.GetProperty("now_local").GetString());
        Assert.Equal("2027-03-29T09:00:00+03:00", status.GetProperty("next_open_at").GetString());
        Assert.Equal("2027-03-29T18:00:00+03:00", status.GetProperty("next_close_at").GetString());
    }

    [Fact]
    public async Task An_overnight_shift_is_open_after_midnight()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Row(6, "22:00", "02:00")); // Sunday night into Monday
        _clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 23, 0, 0, TimeSpan.Zero)); // Monday 7 December, 01:00 in Kyiv
        tenant = await _host.SignInAgainAsync(tenant);

        var status = await _host.GetJsonAsync(tenant, Status(id));

        Assert.True(status.GetProperty("is_open").GetBoolean());
        Assert.Equal("2026-12-07T02:00:00+02:00", status.GetProperty("next_close_at").GetString());
        Assert.Equal("2026-12-13T22:00:00+02:00", status.GetProperty("next_open_at").GetString());
    }

    [Fact]
    public async Task An_empty_week_is_always_open_and_an_all_disabled_week_never()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();

        var empty = await _host.GetJsonAsync(tenant, Status(id));
        Assert.True(empty.GetProperty("is_open").GetBoolean());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("next_open_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("next_close_at").ValueKind);

        await _host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00", enabled: false), Row(3, "09:00", "18:00", enabled: false));
        var disabled = await _host.GetJsonAsync(tenant, Status(id));
        Assert.False(disabled.GetProperty("is_open").GetBoolean());
        Assert.Equal(JsonValueKind.Null, disabled.GetProperty("next_open_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, disabled.GetProperty("next_close_at").ValueKind);
    }

    [Fact]
    public async Task Exceptions_replace_the_weekly_hours_on_their_dates()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        await PostExceptionAsync(tenant, id, new { date = "2026-11-30", is_closed = false, ranges = new[] { new { start_time = "12:00", end_time = "15:00" } } });
        await PostExceptionAsync(tenant, id, new { date = "2026-12-01", is_closed = true, name = "Staff day" });
        await PostExceptionAsync(tenant, id, new { date = "2025-12-02", is_closed = true, recurring_annually = true });

        // Monday 10:00: today opens at 12:00 instead of 09:00; Tuesday is closed and 2 December every year.
        var monday = await _host.GetJsonAsync(tenant, Status(id));
        Assert.False(monday.GetProperty("is_open").GetBoolean());
        Assert.Equal("2026-11-30T12:00:00+02:00", monday.GetProperty("next_open_at").GetString());
        Assert.Equal("2026-11-30T15:00:00+02:00", monday.GetProperty("next_close_at").GetString());

        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero)); // Monday 16:00
        tenant = await _host.SignInAgainAsync(tenant);
        var evening = await _host.GetJsonAsync(tenant, Status(id));
        Assert.False(evening.GetProperty("is_open").GetBoolean());
        Assert.Equal("2026-12-03T09:00:00+02:00", evening.GetProperty("next_open_at").GetString());

        // Deleting an exception shows at once.
        var delete = await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{Exceptions(id)}12-02/"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("2026-12-02T09:00:00+02:00", (await _host.GetJsonAsync(tenant, Status(id))).GetProperty("next_open_at").GetString());
    }

    [Fact]
    public async Task The_status_follows_the_profiles_time_zone()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        var patch = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", new { timezone = "America/New_York" });
        await (await _host.Client.SendAsync(patch)).JsonAsync();

        var status = await _host.GetJsonAsync(tenant, Status(id)); // 03:00 in New York
        Assert.Equal("America/New_York", status.GetProperty("timezone").GetString());
        Assert.Equal("2026-11-30T03:00:00-05:00", status.GetProperty("now_local").GetString());
        Assert.False(status.GetProperty("is_open").GetBoolean());
        Assert.Equal("2026-11-30T09:00:00-05:00", status.GetProperty("next_open_at").GetString());
    }

    private async Task PostExceptionAsync(TenantSession tenant, int id, object body) =>
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, Exceptions(id), body))).JsonAsync(HttpStatusCode.Created);
}
