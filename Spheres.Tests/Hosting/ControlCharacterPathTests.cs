using System.Net;
using System.Text;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// A route key with an encoded control character is a 400 problem naming it, before tokens, keys of the route or storage are
/// looked at (issue 26). An encoded NUL gets the same answer on DevHost (EncodedNulInPath); Kestrel alone answers it with an empty 400.
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

    [Theory]
    [InlineData("GET", "/api/reviews/a%00b/", "id")]
    [InlineData("POST", "/api/conversations/%00/read/", "id")]
    [InlineData("POST", "/api/webhooks/telegram/%00%00/", "integration_key")]
    [InlineData("GET", "/api/revi%00ews/", "path")] // no function's route: DevHost's own answer, and not the path repeated
    [InlineData("GET", "/api/integrations/api/%01/", "path")]
    public async Task A_route_key_with_an_encoded_nul_is_the_same_400_problem(string method, string path, string field)
    {
        // Kestrel alone answers %00 with an empty 400; DevHost hands it to the app as another control character (EncodedNulInPath).
        var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path).WithEmptyJsonBody());
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("control characters", problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task On_one_connection_a_body_holding_nul_text_is_stored_as_sent_and_the_next_requests_are_answered()
    {
        var tenant = await _host.RegisterAsync();
        const string name = "GET /api/reviews/a%00b/ HTTP/1.1";
        var body = Encoding.UTF8.GetBytes($$"""{"business_name":"{{name}}"}""");
        var auth = $"Authorization: Bearer {tenant.AccessToken}\r\nHost: localhost\r\n";
        // Three requests in one write: a chunked PATCH (the name split over two chunks), a path with %00, a read that closes.
        var requests = Encoding.ASCII.GetBytes($"PATCH /api/accounts/profile/ HTTP/1.1\r\n{auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                $"{20:x}\r\n").Concat(body[..20]).Concat(Encoding.ASCII.GetBytes($"\r\n{body.Length - 20:x}\r\n")).Concat(body[20..])
            .Concat(Encoding.ASCII.GetBytes("\r\n0\r\n\r\n" +
                $"GET /api/reviews/a%00b/ HTTP/1.1\r\n{auth}\r\n" +
                $"GET /api/accounts/profile/ HTTP/1.1\r\n{auth}Connection: close\r\n\r\n")).ToArray();

        var uri = new Uri(_host.KestrelUrl!);
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(uri.Host, uri.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(requests);
        var answers = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();

        var statuses = System.Text.RegularExpressions.Regex.Matches(answers, @"HTTP/1\.1 (\d{3}) ").Select(m => m.Groups[1].Value);
        Assert.Equal(["200", "400", "200"], statuses);
        Assert.Contains("control characters", answers);
        var profile = await _host.GetJsonAsync(tenant, "/api/accounts/profile/");
        Assert.Equal(name, profile.GetProperty("business_name").GetString());
    }
}
