using System.Net;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// A route key with an encoded control character is a 400 problem naming it, before tokens, keys of the route or storage are
/// looked at (issue 26). An encoded NUL never reaches the app on Kestrel: it answers an empty 400 itself (docs/openapi.md).
/// </summary>
public sealed class ControlCharacterPathTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString, onKestrel: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("GET", "/api/reviews/a%01b/", "id")]
    [InlineData("DELETE", "/api/reviews/a%1Fb/", "id")]
    [InlineData("GET", "/api/messages/%7F/", "id")]
    [InlineData("POST", "/api/conversations/c%0Ad/read/", "id")]
    [InlineData("GET", "/api/accounts/spheres/be%09auty/", "slug")]
    [InlineData("GET", "/api/oauth/goo%0Dgle/callback/?code=x&state=y", "provider")]
    [InlineData("POST", "/api/webhooks/telegram/key%1B/", "integration_key")]
    [InlineData("GET", "/api/reviews/%C2%85/", "id")] // U+0085, a C1 control
    public async Task A_route_key_with_a_control_character_is_a_400_problem_naming_it_without_credentials(string method, string path, string field)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path).WithEmptyJsonBody();
        var response = await _host.Client.SendAsync(request);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("control characters", problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("DELETE", "/api/admin/catalog/spheres/x%01y/override/", "slug")]
    [InlineData("PUT", "/api/admin/tenants/%01/plan/", "tenant_id")]
    public async Task A_control_character_in_a_route_key_of_a_function_key_route_is_a_400_once_the_key_is_given(string method, string path, string field)
    {
        var response = await _host.Client.SendAsync(_host.AdminRequest(new HttpMethod(method), path).WithEmptyJsonBody());
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_webhook_with_a_control_character_in_its_key_stores_nothing()
    {
        var tenant = await _host.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/telegram/k%01/")
        {
            Content = new StringContent("""{"update_id":1,"message":{"message_id":1,"date":1767225600,"chat":{"id":5},"from":{"id":5},"text":"hi"}}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        var messages = await _host.GetJsonAsync(tenant, "/api/messages/");
        Assert.Equal(0, messages.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Kestrel_answers_an_encoded_nul_itself_with_an_empty_400_before_the_app()
    {
        // The documented limit (docs/openapi.md): if Kestrel ever lets %00 through, the app's check answers it and this fails.
        var response = await _host.Client.GetAsync("/api/reviews/a%00b/");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
