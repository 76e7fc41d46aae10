using System.Net;
using System.Text;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// What OperationConformanceTests' negative-data check found accepted although the document refused it (issue 26): a cursor
/// given empty (now a 400 problem naming it), a null optional field (which the API reads as not given) and a blank review
/// source (read as manual): the document now allows the last two.
/// </summary>
public sealed class SchemaRefusalTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_null_optional_field_is_the_same_as_leaving_it_out_and_a_null_required_one_is_refused()
    {
        // The document says so (an optional request field may be null): JSON serializers write nulls for unset fields.
        var tenant = await _host.RegisterAsync();
        var request = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/");
        request.Content = new StringContent("""{"business_name":null,"timezone":"Europe/Warsaw"}""", Encoding.UTF8, "application/json");
        var profile = await (await _host.Client.SendAsync(request)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Olena's Salon", "Europe/Warsaw"), (profile.GetProperty("business_name").GetString(), profile.GetProperty("timezone").GetString()));

        var login = new HttpRequestMessage(HttpMethod.Post, "/api/accounts/login/")
        {
            Content = new StringContent($$"""{"email":"{{tenant.Email}}","password":null}""", Encoding.UTF8, "application/json"),
        };
        await (await _host.Client.SendAsync(login)).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/messages/?cursor=")]
    [InlineData("/api/reviews/?cursor=")]
    [InlineData("/api/messages/?limit=5&cursor=")]
    public async Task A_cursor_given_empty_is_400_like_every_other_empty_query_value(string path)
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        var problem = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Give a value, or leave the parameter out.", problem.GetProperty("errors").GetProperty("cursor")[0].GetString());
    }

    [Fact]
    public async Task An_admin_audit_cursor_given_empty_is_400()
    {
        var problem = await (await _host.Client.SendAsync(_host.AdminRequest(HttpMethod.Get, "/api/admin/catalog/audit/?cursor=")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    [InlineData("null")]
    public async Task A_review_with_a_blank_source_is_stored_as_manual_as_the_document_says(string source)
    {
        // The negative-data check found it accepted where the schema's pattern refused it: the document now says what the API
        // does, in JSON as in a CSV's empty cell.
        var tenant = await _host.RegisterAsync(plan: "professional");
        var request = tenant.Request(HttpMethod.Post, "/api/reviews/");
        request.Content = new StringContent($$"""{"text":"Дуже сподобалось","source":{{source}}}""", Encoding.UTF8, "application/json");
        var review = await (await _host.Client.SendAsync(request)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("manual", review.GetProperty("source").GetString());
    }
}
