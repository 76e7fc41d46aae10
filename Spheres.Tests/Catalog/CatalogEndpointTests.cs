using System.Net;
using System.Net.Http.Headers;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Catalog;

/// <summary>The public catalog as the sign-up page and the integrations page read it.</summary>
public sealed class CatalogEndpointTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/accounts/spheres/")]
    [InlineData("/api/accounts/spheres")]
    public async Task Spheres_are_listed_by_order_with_every_field(string path)
    {
        var spheres = await (await _host.Client.GetAsync(path)).JsonAsync();

        Assert.Equal(["general", "beauty", "health"], spheres.Strings("slug"));
        Assert.Equal([1, 2, 3], spheres.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        var beauty = spheres[1];
        Assert.Equal("Beauty & Wellness", beauty.GetProperty("name").GetString());
        Assert.Equal(2, beauty.GetProperty("order").GetInt32());
        Assert.True(beauty.GetProperty("is_active").GetBoolean());
        foreach (var field in new[] { "description", "icon", "color" })
        {
            Assert.False(string.IsNullOrWhiteSpace(beauty.GetProperty(field).GetString()), field);
        }
    }

    [Theory]
    [InlineData("/api/accounts/spheres/health/")]
    [InlineData("/api/accounts/spheres/health")]
    public async Task One_sphere_by_slug(string path)
    {
        var sphere = await (await _host.Client.GetAsync(path)).JsonAsync();
        Assert.Equal(3, sphere.GetProperty("id").GetInt32());
        Assert.Equal("Health & Medical", sphere.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("/api/accounts/spheres/astrology/")]
    [InlineData("/api/accounts/integration-types/myspace/")]
    public async Task Unknown_slug_is_a_404_problem(string path)
    {
        var problem = await (await _host.Client.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("slug", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task All_28_types_are_listed_by_order()
    {
        var types = await (await _host.Client.GetAsync("/api/accounts/integration-types/")).JsonAsync();
        Assert.Equal(Enumerable.Range(1, 28), types.EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 28), types.EnumerateArray().Select(t => t.GetProperty("order").GetInt32()));
    }

    [Theory]
    [InlineData("sphere_slug=general", 10)]
    [InlineData("sphere_slug=beauty", 20)]
    [InlineData("sphere_slug=health", 18)]
    [InlineData("sphere_id=1", 10)]
    [InlineData("sphere_id=2", 20)]
    [InlineData("sphere_id=3", 18)]
    [InlineData("country=UA", 17)]          // 13 worldwide + Dikidi, EasyWeek, Doc.ua, Helsi
    [InlineData("country=pl", 16)]          // 13 worldwide + Booksy, EasyWeek, Znany Lekarz
    [InlineData("country=US", 15)]          // 13 worldwide + Booksy, Zocdoc
    [InlineData("sphere_slug=beauty&country=UA", 15)]
    [InlineData("sphere_slug=health&country=UA", 12)]
    [InlineData("sphere_id=3&country=DE", 12)] // general 10 + Doctolib, Jameda
    [InlineData("integration_type=messenger", 4)]
    [InlineData("integration_type=medical_booking&country=PL", 1)]
    [InlineData("sphere_slug=general&integration_type=booking", 0)]
    [InlineData("sphere_id=2&sphere_slug=health", 10)] // AND: only types offered in both, the general ones
    public async Task Filters_combine_with_and(string query, int expected)
    {
        var types = await (await _host.Client.GetAsync("/api/accounts/integration-types/?" + query)).JsonAsync();
        Assert.Equal(expected, types.GetArrayLength());
    }

    [Fact]
    public async Task Country_filter_includes_worldwide_types_and_excludes_other_countries()
    {
        var types = await (await _host.Client.GetAsync("/api/accounts/integration-types?sphere_slug=beauty&country=UA")).JsonAsync();
        var slugs = types.Strings("slug").ToHashSet();
        Assert.Contains("dikidi", slugs);
        Assert.Contains("fresha", slugs);     // GB and GLOBAL
        Assert.Contains("telegram", slugs);
        Assert.DoesNotContain("booksy", slugs);
        Assert.DoesNotContain("doc-ua", slugs); // health only
    }

    [Theory]
    [InlineData("sphere_slug=astrology", "sphere_slug")]
    [InlineData("sphere_id=99", "sphere_id")]
    [InlineData("sphere_id=abc", "sphere_id")]
    [InlineData("country=Ukraine", "country")]
    [InlineData("country=XX", "country")]
    [InlineData("integration_type=fax", "integration_type")]
    public async Task Unknown_filter_values_are_400_naming_the_parameter(string query, string field)
    {
        var problem = await (await _host.Client.GetAsync("/api/accounts/integration-types/?" + query)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [Fact]
    public async Task Type_json_has_the_contract_fields()
    {
        var type = await (await _host.Client.GetAsync("/api/accounts/integration-types/instagram")).JsonAsync();
        Assert.Equal(7, type.GetProperty("id").GetInt32());
        Assert.Equal("Instagram", type.GetProperty("name").GetString());
        Assert.Equal("messenger", type.GetProperty("integration_type").GetString());
        Assert.Equal(["general", "beauty", "health"], type.GetProperty("spheres").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal([1, 2, 3], type.GetProperty("sphere_ids").EnumerateArray().Select(s => s.GetInt32()));
        Assert.True(type.GetProperty("requires_oauth").GetBoolean());
        Assert.Equal("meta", type.GetProperty("oauth_provider").GetString());
        Assert.True(type.GetProperty("supports_webhooks").GetBoolean());
        Assert.True(type.GetProperty("supports_working_hours").GetBoolean());
        Assert.Equal(["GLOBAL"], type.GetProperty("available_countries").EnumerateArray().Select(s => s.GetString()));
        Assert.True(type.GetProperty("is_active").GetBoolean());
        Assert.Equal(7, type.GetProperty("order").GetInt32());

        var booksy = await (await _host.Client.GetAsync("/api/accounts/integration-types/booksy/")).JsonAsync();
        Assert.False(booksy.GetProperty("requires_oauth").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, booksy.GetProperty("oauth_provider").ValueKind);
        Assert.Equal([2], booksy.GetProperty("sphere_ids").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(["PL", "US", "GB", "CA", "AU"], booksy.GetProperty("available_countries").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Working_hours_are_supported_by_exactly_the_three_realtime_channels()
    {
        var types = await (await _host.Client.GetAsync("/api/accounts/integration-types/")).JsonAsync();
        var withHours = types.EnumerateArray().Where(t => t.GetProperty("supports_working_hours").GetBoolean()).Select(t => t.GetProperty("slug").GetString());
        Assert.Equal(["telegram", "instagram", "facebook-messenger"], withHours);
    }

    [Fact]
    public async Task A_matching_etag_is_answered_304_and_the_answer_is_browser_cacheable()
    {
        var first = await _host.Client.GetAsync("/api/accounts/integration-types/?sphere_slug=beauty");
        await first.JsonAsync();
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag!.IsWeak);
        Assert.True(first.Headers.CacheControl?.Public);
        Assert.True(first.Headers.CacheControl?.MaxAge > TimeSpan.Zero);

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/integration-types?sphere_slug=beauty");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await _host.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);

        var otherQuery = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/integration-types?sphere_slug=health");
        otherQuery.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(otherQuery)).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/spheres/");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task A_warm_catalog_costs_no_storage_request()
    {
        await (await _host.Client.GetAsync("/api/accounts/integration-types/?sphere_slug=beauty")).JsonAsync();
        _host.StorageRequests.Reset();

        for (var i = 0; i < 20; i++)
        {
            await (await _host.Client.GetAsync("/api/accounts/integration-types/?sphere_slug=beauty")).JsonAsync();
            await (await _host.Client.GetAsync("/api/accounts/integration-types/?country=UA")).JsonAsync();
            await (await _host.Client.GetAsync("/api/accounts/spheres/")).JsonAsync();
        }

        Assert.Equal(0, _host.StorageRequests.Count);
    }
}
