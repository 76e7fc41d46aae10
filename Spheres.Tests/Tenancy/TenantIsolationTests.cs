using System.Net;
using System.Net.Http.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Tenancy;

/// <summary>
/// Every tenant-scoped endpoint, called with a second tenant's token: it sees only its own rows,
/// and a first tenant's ids are 404. Each feature adds its endpoints here.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private TenantSession _first = null!;
    private TenantSession _second = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartSharedAsync();
        _first = await _host.RegisterAsync(sphere: "beauty", plan: "starter");
        _second = await _host.RegisterAsync(sphere: "health", country: "PL");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Profile_and_usage_are_the_callers_own()
    {
        var profile = await _host.GetJsonAsync(_second, "/api/accounts/profile/");
        Assert.Equal(_second.TenantId, profile.GetProperty("tenant_id").GetString());
        Assert.Equal("health", profile.GetProperty("sphere_slug").GetString());
        // The first tenant is on starter: the second's usage must be its own free plan, not the first's.
        Assert.Equal("free", (await _host.GetJsonAsync(_second, "/api/accounts/usage/")).GetProperty("plan").GetString());
        Assert.Equal("starter", (await _host.GetJsonAsync(_first, "/api/accounts/usage/")).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task A_tenant_id_in_the_body_or_query_is_ignored()
    {
        var request = _second.Request(HttpMethod.Patch, $"/api/accounts/profile/?tenant_id={_first.TenantId}",
            new { tenant_id = _first.TenantId, business_name = "Renamed by second" });
        var updated = await (await _host.Client.SendAsync(request)).JsonAsync();

        Assert.Equal(_second.TenantId, updated.GetProperty("tenant_id").GetString());
        Assert.Equal("Renamed by second", (await _host.GetJsonAsync(_second, "/api/accounts/profile/")).GetProperty("business_name").GetString());
        var first = await _host.GetJsonAsync(_first, "/api/accounts/profile/");
        Assert.Equal("Olena's Salon", first.GetProperty("business_name").GetString());
    }

    [Fact]
    public async Task A_first_tenants_integration_ids_are_404_for_the_second_on_every_integration_endpoint()
    {
        // Ids are per tenant: the first tenant's id 3 does not exist for the second, which has only id 1.
        await _host.CreateIntegrationAsync(_first, "telegram");
        await _host.CreateIntegrationAsync(_first, "instagram");
        var id = (await _host.CreateIntegrationAsync(_first, "booksy", new { location_id = "first" })).Id();
        Assert.Equal(1, (await _host.CreateIntegrationAsync(_second, "telegram")).Id());

        foreach (var (method, path, body) in IntegrationEndpoints(id))
        {
            await (await _host.Client.SendAsync(_second.Request(method, path, body))).ProblemAsync(HttpStatusCode.NotFound);
        }

        var first = await _host.GetJsonAsync(_first, $"/api/integrations/api/{id}/");
        Assert.Equal("first", first.GetProperty("settings").GetProperty("location_id").GetString());
        Assert.Equal("pending", first.GetProperty("status").GetString());
        var secondsList = await _host.GetJsonAsync(_second, "/api/integrations/api/");
        Assert.Equal(["telegram"], secondsList.Strings("integration_type_slug"));
    }

    private static IEnumerable<(HttpMethod, string, object?)> IntegrationEndpoints(int id) =>
    [
        (HttpMethod.Put, $"/api/integrations/api/{id}/", new { settings = new { location_id = "second" } }),
        (HttpMethod.Post, $"/api/integrations/api/{id}/activate/", null),
        (HttpMethod.Post, $"/api/integrations/api/{id}/deactivate/", null),
        (HttpMethod.Delete, $"/api/integrations/api/{id}/", null),
        (HttpMethod.Get, $"/api/integrations/api/{id}/", null),
    ];

    [Fact]
    public async Task A_first_tenants_working_hours_are_404_for_the_second_on_every_working_hours_endpoint()
    {
        // The first tenant's instagram is its integration 2; the second has only its own integration 1 and no rows.
        await _host.CreateIntegrationAsync(_first, "telegram");
        var id = (await _host.CreateIntegrationAsync(_first, "instagram")).Id();
        Assert.Equal(1, (await _host.CreateIntegrationAsync(_second, "telegram")).Id());
        var week = await _host.SetWeekAsync(_first, id, WorkingHoursApi.Weekdays("09:00", "18:00"));
        var exception = _first.Request(HttpMethod.Post, WorkingHoursApi.Exceptions(id), new { date = "2026-12-25", is_closed = true });
        await (await _host.Client.SendAsync(exception)).JsonAsync(HttpStatusCode.Created);
        var exceptionsBefore = (await _host.GetJsonAsync(_first, WorkingHoursApi.Exceptions(id))).GetRawText();

        foreach (var (method, path, body) in WorkingHoursEndpoints(id, week.Ids()[0]))
        {
            var response = await _host.Client.SendAsync(_second.Request(method, path, body));
            await response.ProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(week.GetRawText(), (await _host.GetJsonAsync(_first, WorkingHoursApi.Week(id))).GetRawText());
        Assert.Equal(exceptionsBefore, (await _host.GetJsonAsync(_first, WorkingHoursApi.Exceptions(id))).GetRawText());
        Assert.Empty((await _host.GetJsonAsync(_second, WorkingHoursApi.Flat)).EnumerateArray());
        Assert.Equal(5, (await _host.GetJsonAsync(_first, WorkingHoursApi.Flat)).GetArrayLength());
    }

    private static IEnumerable<(HttpMethod, string, object?)> WorkingHoursEndpoints(int id, int rowId) =>
    [
        (HttpMethod.Get, WorkingHoursApi.Week(id), null),
        (HttpMethod.Post, WorkingHoursApi.Week(id), Array.Empty<object>()),
        (HttpMethod.Get, WorkingHoursApi.Status(id), null),
        (HttpMethod.Get, $"{WorkingHoursApi.Flat}?integration={id}", null),
        (HttpMethod.Post, WorkingHoursApi.Flat, new { integration = id, weekday = 5, start_time = "10:00", end_time = "12:00" }),
        (HttpMethod.Put, $"{WorkingHoursApi.Flat}{rowId}/", new { weekday = 5, start_time = "10:00", end_time = "12:00", is_enabled = true }),
        (HttpMethod.Delete, $"{WorkingHoursApi.Flat}{rowId}/", null),
        (HttpMethod.Get, WorkingHoursApi.Exceptions(id), null),
        (HttpMethod.Post, WorkingHoursApi.Exceptions(id), new { date = "2026-12-31", is_closed = true }),
        (HttpMethod.Delete, $"{WorkingHoursApi.Exceptions(id)}2026-12-25/", null),
    ];

    [Fact]
    public async Task Every_tenant_scoped_endpoint_refuses_a_request_without_a_token()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/accounts/profile/"), (HttpMethod.Patch, "/api/accounts/profile/"), (HttpMethod.Get, "/api/accounts/usage/"),
            (HttpMethod.Get, "/api/integrations/api/"), (HttpMethod.Post, "/api/integrations/api/"), (HttpMethod.Get, "/api/integrations/api/1/"),
            (HttpMethod.Put, "/api/integrations/api/1/"), (HttpMethod.Delete, "/api/integrations/api/1/"),
            (HttpMethod.Post, "/api/integrations/api/1/activate/"), (HttpMethod.Post, "/api/integrations/api/1/deactivate/"),
            (HttpMethod.Get, "/api/integrations/api/1/working_hours/"), (HttpMethod.Post, "/api/integrations/api/1/working_hours/"),
            (HttpMethod.Get, "/api/integrations/api/1/working_hours/status/"),
            (HttpMethod.Get, "/api/integrations/api/working-hours/"), (HttpMethod.Get, "/api/integrations/api/working-hours/?integration=1"),
            (HttpMethod.Post, "/api/integrations/api/working-hours/"),
            (HttpMethod.Put, "/api/integrations/api/working-hours/1/"), (HttpMethod.Delete, "/api/integrations/api/working-hours/1/"),
            (HttpMethod.Get, "/api/integrations/api/1/working_hours/exceptions/"), (HttpMethod.Post, "/api/integrations/api/1/working_hours/exceptions/"),
            (HttpMethod.Delete, "/api/integrations/api/1/working_hours/exceptions/2026-12-25/"),
            (HttpMethod.Get, "/api/messages/"), (HttpMethod.Get, "/api/messages/?integration=1"),
            (HttpMethod.Get, "/api/reviews/"), (HttpMethod.Post, "/api/reviews/"), (HttpMethod.Post, "/api/reviews/import/"),
            (HttpMethod.Get, "/api/reviews/search/?q=x"), (HttpMethod.Get, "/api/reviews/06390000000000000000abcdef12/"),
            (HttpMethod.Delete, "/api/reviews/06390000000000000000abcdef12/"),
        })
        {
            var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : JsonContent.Create(new { }) };
            await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_first_tenants_reviews_are_404_for_the_second_and_never_listed_or_found()
    {
        var first = await _host.RegisterAsync(plan: "professional");
        var second = await _host.RegisterAsync(plan: "professional");
        var created = await (await _host.Client.SendAsync(first.Request(HttpMethod.Post, "/api/reviews/",
            new { text = "Чекали годину, адміністратор грубий", rating = 1, source = "google", external_id = "shared-1" }))).JsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await Reviews.ReviewFixture.WaitAnalysedAsync(_host, first);

        await (await _host.Client.SendAsync(second.Request(HttpMethod.Get, $"/api/reviews/{id}/"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await _host.Client.SendAsync(second.Request(HttpMethod.Delete, $"/api/reviews/{id}/"))).ProblemAsync(HttpStatusCode.NotFound);
        var list = await _host.GetJsonAsync(second, "/api/reviews/");
        Assert.Empty(list.GetProperty("results").EnumerateArray());
        Assert.Empty((await _host.GetJsonAsync(second, "/api/reviews/search/?q=чекали%20годину")).EnumerateArray());
        // The same (source, external_id) is another tenant's own review, not a duplicate.
        await (await _host.Client.SendAsync(second.Request(HttpMethod.Post, "/api/reviews/",
            new { text = "Fine", source = "google", external_id = "shared-1" }))).JsonAsync(HttpStatusCode.Created);

        var stillThere = await _host.GetJsonAsync(first, $"/api/reviews/{id}/");
        Assert.Equal("negative", stillThere.GetProperty("sentiment").GetProperty("label").GetString());
        Assert.Equal(id, (await _host.GetJsonAsync(first, "/api/reviews/search/?q=чекали%20годину"))[0].GetProperty("review").GetProperty("id").GetString());
    }
}
