using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Spheres.Functions.OpenApi;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>The contract's conventions (API.md, Conventions) as a typed client meets them: paths, problems, media types.</summary>
public sealed class ContractConventionTests
{
    /// <summary>Paths exactly as API.md writes them; a client typed by path takes these strings.</summary>
    [Theory]
    [InlineData("/api/accounts/register/")]
    [InlineData("/api/accounts/spheres/")]
    [InlineData("/api/accounts/integration-types/{slug}/")]
    [InlineData("/api/integrations/api/")]
    [InlineData("/api/integrations/api/available/")]
    [InlineData("/api/integrations/api/{id}/")]
    [InlineData("/api/integrations/api/{id}/working_hours/")]
    [InlineData("/api/integrations/api/{id}/working_hours/status/")]
    [InlineData("/api/integrations/api/working-hours/{id}/")]
    [InlineData("/api/integrations/api/{id}/connect/")]
    [InlineData("/api/messages/{id}/")]
    [InlineData("/api/oauth/{provider}/callback/")]
    [InlineData("/api/webhooks/telegram/{integration_key}/")]
    [InlineData("/api/admin/tenants/{tenant_id}/plan/")]
    public void The_document_writes_the_contracts_paths_with_their_trailing_slash(string path)
    {
        var paths = System.Text.Json.JsonDocument.Parse(OpenApiDocument.Utf8).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the document");
        Assert.All(paths.EnumerateObject().Select(p => p.Name).Where(p => !p.EndsWith(".json", StringComparison.Ordinal)), p => Assert.EndsWith("/", p));
    }

    [Fact]
    public void Errors_and_required_plan_are_optional_in_the_problem_schema()
    {
        var problem = System.Text.Json.JsonDocument.Parse(OpenApiDocument.Utf8).RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Problem");
        var required = problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["type", "title", "status", "detail", "trace_id"], required);
        foreach (var optional in new[] { "errors", "required_plan" })
        {
            // openapi-typescript reads a default as "always present": an optional property has none.
            Assert.False(problem.GetProperty("properties").GetProperty(optional).TryGetProperty("default", out _), optional);
        }
    }

    [Fact]
    public async Task A_plan_required_problem_names_the_plan_that_unlocks_it()
    {
        await using var host = await TestHost.StartSharedAsync();
        var (tenant, id) = await host.TenantWithTelegramAsync(plan: "free");

        var working = await host.Client.SendAsync(tenant.Request(HttpMethod.Post, WorkingHoursApi.Week(id), Array.Empty<object>()));
        var problem = await working.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("plan-required", problem.GetProperty("type").GetString());
        Assert.Equal("starter", problem.GetProperty("required_plan").GetString());
        Assert.False(problem.TryGetProperty("errors", out _));

        var reviews = await host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/reviews/"));
        Assert.Equal("professional", (await reviews.ProblemAsync(HttpStatusCode.Forbidden)).GetProperty("required_plan").GetString());
    }

    [Fact]
    public async Task Every_problem_carries_the_trace_id_of_its_request()
    {
        await using var host = await TestHost.StartSharedAsync();
        var traceIds = new List<string>();
        foreach (var (path, status) in new[] { ("/api/integrations/api/", HttpStatusCode.Unauthorized), ("/api/nothing-here/", HttpStatusCode.NotFound) })
        {
            var problem = await (await host.Client.GetAsync(path)).ProblemAsync(status);
            traceIds.Add(problem.GetProperty("trace_id").GetString()!);
        }
        var parent = new HttpRequestMessage(HttpMethod.Get, "/api/integrations/api/");
        parent.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        var continued = await (await host.Client.SendAsync(parent)).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.All(traceIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.NotEqual(traceIds[0], traceIds[1]);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", continued.GetProperty("trace_id").GetString()); // the caller's trace goes on
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_json_body_that_does_not_say_it_is_json_is_a_415_and_changes_nothing(string? contentType)
    {
        await using var host = await TestHost.StartSharedAsync();
        var email = Tenants.UniqueEmail();
        var json = $$"""{"email":"{{email}}","password":"{{Tenants.Password}}","name":"Olena","business_name":"Salon","sphere_slug":"beauty"}""";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        var response = await host.Client.PostAsync("/api/accounts/register/", content);

        Assert.EndsWith("unsupported-media-type", (await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType)).GetProperty("type").GetString());
        var login = await host.Client.PostAsync("/api/accounts/login/", new StringContent(
            $$"""{"email":"{{email}}","password":"{{Tenants.Password}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode); // no account was made
    }

    [Fact]
    public async Task A_json_media_type_with_a_charset_or_a_json_suffix_is_json()
    {
        await using var host = await TestHost.StartSharedAsync();
        foreach (var type in new[] { "application/json; charset=utf-8", "application/merge-patch+json" })
        {
            var json = $$"""{"email":"{{Tenants.UniqueEmail()}}","password":"{{Tenants.Password}}","name":"Olena","business_name":"Salon","sphere_slug":"beauty"}""";
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsync("/api/accounts/register/", content)).StatusCode);
        }
    }
}
