using System.Net;
using System.Net.Http.Headers;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>HTTP as browsers and generated clients expect it: 405 with Allow, problem bodies on every 4xx, challenges on 401, CORS.</summary>
public sealed class HttpBehaviourTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(new Dictionary<string, string?>
    {
        ["Host:CORS"] = "http://localhost:5173,http://localhost:3000",
        ["Host:CORSCredentials"] = "false",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("DELETE", "/api/accounts/spheres/", "GET")]
    [InlineData("PUT", "/api/accounts/register/", "POST")]
    [InlineData("POST", "/api/accounts/profile", "GET, PATCH")]
    [InlineData("PATCH", "/api/integrations/api/", "GET, POST")]
    public async Task A_known_path_with_another_method_is_a_405_problem_with_allow(string method, string path, string allowed)
    {
        var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await response.ProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allowed.Split(", ").Order(), response.Content.Headers.Allow.Order());
        Assert.Contains(method, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/accounts/spheres/beauty.json")]
    [InlineData("/api/nothing.here")]
    [InlineData("/favicon.ico")]
    [InlineData("/api/integrations/api/abc/")]
    public async Task Unknown_paths_are_404_problems_even_with_a_dot_in_the_last_segment(string path)
    {
        // A slug with a dot reaches GetSphere, which knows no such sphere; the others reach no function at all.
        var problem = await (await _host.Client.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_401_carries_a_bearer_challenge()
    {
        var missing = await _host.Client.GetAsync("/api/accounts/profile/");
        await missing.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).Scheme);

        var bad = new HttpRequestMessage(HttpMethod.Get, "/api/integrations/api/");
        bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        var invalid = await _host.Client.SendAsync(bad);
        await invalid.ProblemAsync(HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(invalid.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("error=\"invalid_token\"", challenge.Parameter);

        var login = await _host.Client.PostAsync("/api/accounts/login/", JsonBody("""{"email":"nobody@example.com","password":"wrong-password"}"""));
        await login.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(login.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [InlineData("/api/accounts/integration-types/?sphere_id=", "sphere_id")]
    [InlineData("/api/accounts/integration-types/?sphere_slug=", "sphere_slug")]
    [InlineData("/api/accounts/integration-types/?country=", "country")]
    [InlineData("/api/accounts/integration-types/?integration_type=", "integration_type")]
    [InlineData("/api/accounts/integration-types/?sphere_id=2&country=", "country")]
    public async Task An_empty_filter_value_is_a_400_naming_the_parameter(string path, string parameter)
    {
        var problem = await (await _host.Client.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([parameter], problem.ErrorFields());
    }

    [Theory]
    [InlineData("/api/integrations/api/working-hours/?integration=", "integration")]
    [InlineData("/api/messages/?integration=", "integration")]
    [InlineData("/api/integrations/api/?status=", "status")]
    [InlineData("/api/integrations/api/?status=broken", "status")]
    public async Task An_empty_or_unknown_tenant_filter_is_a_400_naming_the_parameter(string path, string parameter)
    {
        var tenant = await _host.RegisterAsync();
        var problem = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([parameter], problem.ErrorFields());
    }

    [Fact]
    public async Task Put_of_an_integration_refuses_a_type_change_and_changes_nothing()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var created = await _host.CreateIntegrationAsync(tenant, "booksy", new { location_id = "lviv" });
        var path = $"{IntegrationsApi.Base}{created.Id()}/";

        var bySlug = await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, path,
            new { integration_type_slug = "dikidi", settings = new { location_id = "kyiv" } }));
        Assert.Equal(["integration_type_slug"], (await bySlug.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var byId = await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, path, new { integration_type_id = 12, settings = new { location_id = "kyiv" } }));
        Assert.Equal(["integration_type_id"], (await byId.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var same = await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, path, new { integration_type_slug = "booksy", settings = new { location_id = "odesa" } }));
        Assert.Equal("odesa", (await same.JsonAsync()).GetProperty("settings").GetProperty("location_id").GetString());

        var stored = await _host.GetJsonAsync(tenant, path);
        Assert.Equal("booksy", stored.GetProperty("integration_type_slug").GetString());
    }

    [Theory]
    [InlineData("http://localhost:5173")]
    [InlineData("http://localhost:3000")]
    public async Task A_preflight_from_an_allowed_origin_is_answered_and_answers_carry_cors_headers(string origin)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/integrations/api/1/");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, if-match");
        var answer = await _host.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(origin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("authorization", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        var get = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/spheres/");
        get.Headers.Add("Origin", origin);
        var response = await _host.Client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("ETag", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task An_origin_not_listed_gets_no_cors_headers()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/accounts/spheres/");
        preflight.Headers.Add("Origin", "http://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var answer = await _host.Client.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>
    /// As in Azure, where platform CORS allows the origin but cannot expose headers: a host with no CORS of its own
    /// still lets a browser read ETag and Location, because the app's answers name them (successes and problems alike).
    /// </summary>
    [Fact]
    public async Task Answers_expose_the_documented_headers_without_host_cors()
    {
        await using var bare = await TestHost.StartSharedAsync();
        var spheres = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/spheres/");
        spheres.Headers.Add("Origin", "https://app.example.com");
        var ok = await bare.Client.SendAsync(spheres);
        var unauthorized = await bare.Client.GetAsync("/api/integrations/api/");

        foreach (var answer in new[] { ok, unauthorized })
        {
            var exposed = answer.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(", ");
            Assert.Superset(new HashSet<string> { "ETag", "Location", "Retry-After", "WWW-Authenticate" }, exposed.ToHashSet());
            Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin")); // allowing an origin stays the platform's job
        }
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    private static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
