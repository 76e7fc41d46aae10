using System.Net;
using System.Text.Json;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary>The seed's working-hours modal: seven rows saved in one POST and read back as sent; PUT and PATCH of one row.</summary>
public sealed class WorkingHoursModalTests : IAsyncLifetime
{
    // Mon–Fri 09:00–18:00 on, Saturday 10:00–14:00 off, Sunday off with no times: the modal's picture.
    private const string SeedWeek = """
        [
          {"weekday":0,"start_time":"09:00","end_time":"18:00","is_enabled":true},
          {"weekday":1,"start_time":"09:00","end_time":"18:00","is_enabled":true},
          {"weekday":2,"start_time":"09:00","end_time":"18:00","is_enabled":true},
          {"weekday":3,"start_time":"09:00","end_time":"18:00","is_enabled":true},
          {"weekday":4,"start_time":"09:00","end_time":"18:00","is_enabled":true},
          {"weekday":5,"start_time":"10:00","end_time":"14:00","is_enabled":false},
          {"weekday":6,"start_time":null,"end_time":null,"is_enabled":false}
        ]
        """;

    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_seed_week_saves_in_one_post_and_reads_back_as_the_same_seven_rows()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var saved = await (await _host.PostRawAsync(tenant, Week(id), SeedWeek)).JsonAsync();
        var read = await _host.GetJsonAsync(tenant, Week(id));

        Assert.Equal(saved.GetRawText(), read.GetRawText());
        var sent = JsonDocument.Parse(SeedWeek).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("weekday").GetInt32(), r.GetProperty("start_time").GetString(), r.GetProperty("end_time").GetString(), r.GetProperty("is_enabled").GetBoolean()));
        var back = read.EnumerateArray()
            .Select(r => (r.GetProperty("weekday").GetInt32(), r.GetProperty("start_time").GetString(), r.GetProperty("end_time").GetString(), r.GetProperty("is_enabled").GetBoolean()));
        Assert.Equal(sent, back);
        Assert.Equal(JsonValueKind.Null, read[6].GetProperty("start_time").ValueKind);

        // Sunday is never open, Saturday's disabled hours neither.
        var status = await _host.GetJsonAsync(tenant, Status(id));
        Assert.True(status.TryGetProperty("is_open", out _));
    }

    [Fact]
    public async Task An_enabled_row_without_times_is_a_400_naming_both_times()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var response = await _host.PostRawAsync(tenant, Week(id), """[{"weekday":6,"start_time":null,"end_time":null,"is_enabled":true}]""");
        Assert.Equal(["rows[0].start_time", "rows[0].end_time"], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Twenty_four_hundred_ends_a_day_and_reads_back_as_written()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var saved = await _host.SetWeekAsync(tenant, id, Row(4, "18:00", "24:00"), Row(5, "00:00", "02:00"), Row(6, "20:00", "00:00"));
        Assert.Equal(["4 18:00-24:00", "5 00:00-02:00", "6 20:00-00:00"], saved.Describe());
        Assert.Equal(["4 18:00-24:00", "5 00:00-02:00", "6 20:00-00:00"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());

        // Saturday from midnight does not overlap Friday until 24:00, a Friday row inside it does.
        var overlap = await _host.PostWeekAsync(tenant, id, new[] { Row(4, "18:00", "24:00"), Row(4, "23:00", "23:30") });
        Assert.Contains("rows[1]", (await overlap.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_whole_day_is_00_00_to_24_00_and_is_open_at_every_minute_of_it()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var saved = await _host.SetWeekAsync(tenant, id, Row(0, "00:00", "24:00"), Row(1, "09:00", "24:00"));
        Assert.Equal(["0 00:00-24:00", "1 09:00-24:00"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());

        // The single-row endpoints read and change it the same way.
        var monday = saved.Ids()[0];
        var row = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{Flat}{monday}/", new { is_enabled = true }))).JsonAsync();
        Assert.Equal(("00:00", "24:00"), (row.GetProperty("start_time").GetString(), row.GetProperty("end_time").GetString()));
        var read = await _host.GetJsonAsync(tenant, $"{Flat}{monday}/");
        Assert.Equal((monday, "00:00", "24:00"), (read.GetProperty("id").GetInt32(), read.GetProperty("start_time").GetString(), read.GetProperty("end_time").GetString()));
        var (stranger, _) = await _host.TenantWithTelegramAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.SendAsync(stranger.Request(HttpMethod.Get, $"{Flat}{monday}/"))).StatusCode);

        // Equal times are still no range; 00:00–00:00 is not the whole day.
        var empty = await _host.PostWeekAsync(tenant, id, new[] { Row(0, "00:00", "00:00") });
        Assert.Contains("rows[0].end_time", (await empty.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Put_without_a_field_is_a_400_naming_every_missing_one_and_changes_nothing()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var rowId = (await _host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00"))).Ids()[0];

        var partial = await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/", new { start_time = "10:00" }));
        var problem = await partial.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["end_time", "is_enabled", "weekday"], problem.ErrorFields().Order());
        Assert.Equal(["0 09:00-18:00"], (await _host.GetJsonAsync(tenant, Week(id))).Describe());

        var full = await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, $"{Flat}{rowId}/",
            new { weekday = 6, start_time = (string?)null, end_time = (string?)null, is_enabled = false }));
        var row = await full.JsonAsync();
        Assert.Equal(JsonValueKind.Null, row.GetProperty("end_time").ValueKind);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var ids = (await (await _host.PostRawAsync(tenant, Week(id), SeedWeek)).JsonAsync()).Ids();
        var saturday = ids[5];
        var sunday = ids[6];

        var on = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{Flat}{saturday}/", new { is_enabled = true }))).JsonAsync();
        Assert.Equal(("10:00", "14:00", true), (on.GetProperty("start_time").GetString(), on.GetProperty("end_time").GetString(), on.GetProperty("is_enabled").GetBoolean()));

        var later = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{Flat}{saturday}/", new { end_time = "15:00" }))).JsonAsync();
        Assert.Equal(("10:00", "15:00"), (later.GetProperty("start_time").GetString(), later.GetProperty("end_time").GetString()));

        // Sunday has no times: switching it on needs them in the same request.
        var noTimes = await _host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{Flat}{sunday}/", new { is_enabled = true }));
        Assert.Equal(["end_time", "start_time"], (await noTimes.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());
        var sundayOn = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Patch, $"{Flat}{sunday}/",
            new { is_enabled = true, start_time = "11:00", end_time = "13:00" }))).JsonAsync();
        Assert.True(sundayOn.GetProperty("is_enabled").GetBoolean());

        Assert.Equal(["0 09:00-18:00", "1 09:00-18:00", "2 09:00-18:00", "3 09:00-18:00", "4 09:00-18:00", "5 10:00-15:00", "6 11:00-13:00"],
            (await _host.GetJsonAsync(tenant, Week(id))).Describe());
    }
}
