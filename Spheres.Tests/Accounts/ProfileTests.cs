using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

public sealed class ProfileTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 14, 23, 30, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> PatchAsync(TenantSession tenant, object body, string? ifMatch = null)
    {
        var request = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_given()
    {
        var tenant = await _host.RegisterAsync(sphere: "beauty");
        var updated = await (await PatchAsync(tenant, new { sphere_slug = "health", timezone = "Europe/Warsaw" })).JsonAsync();

        Assert.Equal("health", updated.GetProperty("sphere_slug").GetString());
        Assert.Equal(3, updated.GetProperty("sphere_id").GetInt32());
        Assert.Equal("Europe/Warsaw", updated.GetProperty("timezone").GetString());
        Assert.Equal("Olena's Salon", updated.GetProperty("business_name").GetString());
        Assert.Equal("UA", updated.GetProperty("country").GetString());

        await (await PatchAsync(tenant, new { sphere_id = 1, business_name = " Clinic Nova ", country = "pl" })).JsonAsync();
        var read = await _host.GetJsonAsync(tenant, "/api/accounts/profile");
        Assert.Equal("general", read.GetProperty("sphere_slug").GetString());
        Assert.Equal("Clinic Nova", read.GetProperty("business_name").GetString());
        Assert.Equal("PL", read.GetProperty("country").GetString());
    }

    [Theory]
    [InlineData("{\"timezone\":\"Mars/Olympus\"}", "timezone")]
    [InlineData("{\"country\":\"UKR\"}", "country")]
    [InlineData("{\"sphere_slug\":\"astrology\"}", "sphere_slug")]
    [InlineData("{\"sphere_id\":0}", "sphere_id")]
    [InlineData("{\"business_name\":\"  \"}", "business_name")]
    [InlineData("{\"business_name\":7}", "business_name")]
    public async Task Invalid_changes_are_400_and_change_nothing(string json, string field)
    {
        var tenant = await _host.RegisterAsync();
        var before = await _host.GetJsonAsync(tenant, "/api/accounts/profile/");
        var request = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/");
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var problem = await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(before.GetRawText(), (await _host.GetJsonAsync(tenant, "/api/accounts/profile/")).GetRawText());
    }

    [Fact]
    public async Task A_stale_if_match_is_412_and_a_fresh_one_is_accepted()
    {
        var tenant = await _host.RegisterAsync();
        var read = await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/accounts/profile/"));
        var etag = read.Headers.ETag!.Tag;
        await (await PatchAsync(tenant, new { business_name = "First" }, etag)).JsonAsync();

        await (await PatchAsync(tenant, new { business_name = "Second" }, etag)).ProblemAsync(HttpStatusCode.PreconditionFailed);

        Assert.Equal("First", (await _host.GetJsonAsync(tenant, "/api/accounts/profile/")).GetProperty("business_name").GetString());
    }

    [Fact]
    public async Task Profile_with_the_users_email_and_name_is_one_storage_request_once_warm()
    {
        var tenant = await _host.RegisterAsync();
        await _host.GetJsonAsync(tenant, "/api/accounts/profile/");
        _host.StorageRequests.Reset();

        await _host.GetJsonAsync(tenant, "/api/accounts/profile/");

        Assert.Equal(1, _host.StorageRequests.Count);
    }

    [Fact]
    public async Task Registration_costs_four_storage_round_trips_once_warm()
    {
        await _host.RegisterAsync();
        _host.StorageRequests.Reset();

        await _host.RegisterAsync();

        Assert.Equal(4, _host.StorageRequests.Count); // claim email, write tenant (one transaction), activate email, start the session (one transaction)
    }

    [Fact]
    public async Task Usage_starts_at_zero_for_the_calendar_month_in_utc_with_the_plans_limit()
    {
        var tenant = await _host.RegisterAsync();
        var usage = await _host.GetJsonAsync(tenant, "/api/accounts/usage/");

        Assert.Equal("free", usage.GetProperty("plan").GetString());
        Assert.Equal(0, usage.GetProperty("messages_used").GetInt32());
        Assert.Equal(100, usage.GetProperty("messages_limit").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), usage.GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), usage.GetProperty("period_end").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("starter", 1000)]
    [InlineData("professional", 10000)]
    [InlineData("free", 100)]
    public async Task Billing_sets_the_plan_with_the_function_key(string plan, int limit)
    {
        var tenant = await _host.RegisterAsync();
        await _host.SetPlanAsync(tenant.TenantId, plan);

        Assert.Equal(plan, (await _host.GetJsonAsync(tenant, "/api/accounts/profile/")).GetProperty("plan").GetString());
        Assert.Equal(limit, (await _host.GetJsonAsync(tenant, "/api/accounts/usage/")).GetProperty("messages_limit").GetInt32());
    }

    [Fact]
    public async Task Setting_a_plan_needs_the_key_a_known_plan_and_a_known_tenant()
    {
        var tenant = await _host.RegisterAsync();
        var noKey = await _host.Client.PutAsJsonAsync($"/api/admin/tenants/{tenant.TenantId}/plan/", new { plan = "professional" });
        await noKey.ProblemAsync(HttpStatusCode.Unauthorized);

        var badPlan = _host.AdminRequest(HttpMethod.Put, $"/api/admin/tenants/{tenant.TenantId}/plan/");
        badPlan.Content = JsonContent.Create(new { plan = "enterprise" });
        var problem = await (await _host.Client.SendAsync(badPlan)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("plan", out _));

        foreach (var unknown in new[] { Guid.NewGuid().ToString("N"), "not-a-tenant" })
        {
            var request = _host.AdminRequest(HttpMethod.Put, $"/api/admin/tenants/{unknown}/plan");
            request.Content = JsonContent.Create(new { plan = "starter" });
            await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal("free", (await _host.GetJsonAsync(tenant, "/api/accounts/profile/")).GetProperty("plan").GetString());
    }
}
