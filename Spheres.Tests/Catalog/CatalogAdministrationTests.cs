using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Catalog;

/// <summary>
/// Catalog overrides through the admin endpoints. Each test has its own Azurite: overrides are
/// global, and the shared catalog must stay the seed's for every other test.
/// </summary>
public sealed class CatalogAdministrationTests : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;
    private TestHost _admin = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _admin = await TestHost.StartAsync(_azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Catalog_administration_needs_the_function_key()
    {
        await (await _admin.Client.GetAsync("/api/admin/catalog/spheres/")).ProblemAsync(HttpStatusCode.Unauthorized);
        var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/admin/catalog/spheres/beauty/") { Content = JsonContent.Create(new { name = "Hacked" }) };
        await (await _admin.Client.SendAsync(patch)).ProblemAsync(HttpStatusCode.Unauthorized);

        var sphere = await (await _admin.Client.GetAsync("/api/accounts/spheres/beauty/")).JsonAsync();
        Assert.Equal("Beauty & Wellness", sphere.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_override_shows_on_another_instance_within_30_seconds_survives_reseeds_and_is_audited()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var reader = await TestHost.StartAsync(_azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(clock));
        var before = await reader.Client.GetAsync("/api/accounts/spheres/beauty/");
        var etagBefore = before.Headers.ETag!.Tag;
        Assert.Equal("Beauty & Wellness", (await before.JsonAsync()).GetProperty("name").GetString());

        var named = PatchRequest("spheres/beauty", new { name = "Beauty", color = "#ff0000" });
        named.Headers.Add("X-Changed-By", "olena@ops.example");
        var patched = await (await _admin.Client.SendAsync(named)).JsonAsync();
        Assert.Equal("Beauty", patched.GetProperty("name").GetString());
        Assert.Equal("#FF0000", patched.GetProperty("color").GetString());
        Assert.Equal(["name", "color"], patched.GetProperty("overridden").EnumerateArray().Select(f => f.GetString()));

        // The other instance serves its copy until its 30-second check of the version row, then the override.
        clock.Advance(TimeSpan.FromSeconds(31));
        var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/spheres/beauty/");
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", etagBefore);
        var after = await reader.Client.SendAsync(revalidate);
        Assert.Equal("Beauty", (await after.JsonAsync()).GetProperty("name").GetString()); // 200, not 304: the ETag changed
        Assert.NotEqual(etagBefore, after.Headers.ETag!.Tag);

        // A reseed that really rewrites rows (one was edited by hand) leaves the override in place.
        var table = await CatalogTableAsync();
        var edited = table.GetEntity<TableEntity>("catalog", "sphere-0002").Value;
        edited["Icon"] = "edited-by-hand";
        await table.UpdateEntityAsync(edited, edited.ETag, TableUpdateMode.Replace);
        var reseed = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"))).JsonAsync();
        Assert.Equal(3, reseed.GetProperty("catalog_version").GetInt64()); // seed 1, override 2, repair 3
        clock.Advance(TimeSpan.FromSeconds(31));
        var afterReseed = await (await reader.Client.GetAsync("/api/accounts/spheres/")).JsonAsync();
        var beauty = afterReseed.EnumerateArray().Single(s => s.GetProperty("slug").GetString() == "beauty");
        Assert.Equal("Beauty", beauty.GetProperty("name").GetString());
        Assert.Equal("sparkles", beauty.GetProperty("icon").GetString());
        var seedRow = table.GetEntity<TableEntity>("catalog", "sphere-0002").Value;
        Assert.Equal("Beauty & Wellness", seedRow.GetString("Name")); // the seed row itself is the seed's

        var list = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, "/api/admin/catalog/spheres/"))).JsonAsync();
        Assert.Equal(["general:", "beauty:name,color", "health:"], list.EnumerateArray().Select(s =>
            s.GetProperty("slug").GetString() + ":" + string.Join(",", s.GetProperty("overridden").EnumerateArray().Select(f => f.GetString()))));

        var reset = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Delete, "/api/admin/catalog/spheres/beauty/override/"))).JsonAsync();
        Assert.Equal("Beauty & Wellness", reset.GetProperty("name").GetString());
        Assert.Empty(reset.GetProperty("overridden").EnumerateArray());
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("#DB2777", (await (await reader.Client.GetAsync("/api/accounts/spheres/beauty")).JsonAsync()).GetProperty("color").GetString());

        // The audit trail, newest first, one per page.
        var first = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, "/api/admin/catalog/audit/?limit=1"))).JsonAsync();
        var newest = first.GetProperty("results").EnumerateArray().Single();
        Assert.Equal("sphere:beauty", newest.GetProperty("what").GetString());
        Assert.Equal("reset", newest.GetProperty("action").GetString());
        Assert.Equal("function key", newest.GetProperty("who").GetString());
        Assert.Equal(["Beauty", "#FF0000"], newest.GetProperty("before").EnumerateObject().Select(p => p.Value.GetString()));
        Assert.Equal(["Beauty & Wellness", "#DB2777"], newest.GetProperty("after").EnumerateObject().Select(p => p.Value.GetString()));
        var second = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, first.GetProperty("next").GetString()!))).JsonAsync();
        var older = second.GetProperty("results").EnumerateArray().Single();
        Assert.Equal("override", older.GetProperty("action").GetString());
        Assert.Equal("olena@ops.example", older.GetProperty("who").GetString());
        Assert.Equal("Beauty & Wellness", older.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("Beauty", older.GetProperty("after").GetProperty("name").GetString());
        Assert.True(older.GetProperty("when").GetDateTimeOffset() <= newest.GetProperty("when").GetDateTimeOffset());
    }

    [Fact]
    public async Task Invalid_overrides_name_every_bad_field_and_change_nothing()
    {
        var response = await _admin.Client.SendAsync(PatchRequest("integration-types/telegram",
            new { available_countries = new[] { "UA", "XX", "usa" }, icon = "send", order = -1, name = "  " }));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["available_countries", "icon", "name", "order"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("XX", errors.GetProperty("available_countries")[0].GetString());
        Assert.Contains("usa", errors.GetProperty("available_countries")[0].GetString());

        await (await _admin.Client.SendAsync(PatchRequest("integration-types/fax", new { name = "Fax" }))).ProblemAsync(HttpStatusCode.NotFound);
        var noOverride = await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Delete, "/api/admin/catalog/integration-types/telegram/override/"));
        Assert.Equal("Telegram", (await noOverride.JsonAsync()).GetProperty("name").GetString()); // nothing to reset: no change recorded
        var audit = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, "/api/admin/catalog/audit/"))).JsonAsync();
        Assert.Empty(audit.GetProperty("results").EnumerateArray());

        // Valid codes are normalised, and the public country filter follows them at once on this instance.
        var polandBefore = await (await _admin.Client.GetAsync("/api/accounts/integration-types/?country=PL")).JsonAsync();
        Assert.DoesNotContain("dikidi", polandBefore.Strings("slug"));
        var patched = await PatchAsync("integration-types/dikidi", new { available_countries = new[] { "ua", "PL", "UA" } });
        Assert.Equal(["UA", "PL"], patched.GetProperty("available_countries").EnumerateArray().Select(c => c.GetString()));
        var polandAfter = await (await _admin.Client.GetAsync("/api/accounts/integration-types/?country=PL")).JsonAsync();
        Assert.Contains("dikidi", polandAfter.Strings("slug"));
    }

    [Fact]
    public async Task A_switched_off_type_cannot_be_connected_and_its_integrations_say_why()
    {
        var tenant = await _admin.RegisterAsync();
        var telegram = await _admin.ConnectTelegramAsync(tenant);
        var other = await _admin.RegisterAsync();

        await PatchAsync("integration-types/telegram", new { is_active = false });

        await (await _admin.Client.GetAsync("/api/accounts/integration-types/telegram/")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("telegram", (await (await _admin.Client.GetAsync("/api/accounts/integration-types/")).JsonAsync()).Strings("slug"));
        var shown = await _admin.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{telegram.Id()}/");
        Assert.False(shown.GetProperty("is_available").GetBoolean());
        Assert.Contains("switched off", shown.GetProperty("status_detail").GetString());

        var create = await _admin.CreateAsync(other, new { integration_type_slug = "telegram", credentials = new { bot_token = SecretSentinel.NewTelegramToken() } });
        var refused = await create.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.EndsWith("/integration-type-switched-off", refused.GetProperty("type").GetString());
        var activate = await (await _admin.PostActionAsync(tenant, telegram.Id(), "activate")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("switched off", activate.GetProperty("detail").GetString());
        Assert.Empty((await _admin.GetJsonAsync(other, IntegrationsApi.Base)).EnumerateArray());

        await PatchAsync("integration-types/telegram", new { is_active = (bool?)null }); // back to the seed's value
        var again = await _admin.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{telegram.Id()}/");
        Assert.True(again.GetProperty("is_available").GetBoolean());
        Assert.DoesNotContain("switched off", again.GetProperty("status_detail").GetString() ?? "");
    }

    [Fact]
    public async Task Concurrent_overrides_all_land_one_version_each()
    {
        await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Post, "/api/admin/catalog/reseed/"))).JsonAsync();
        // All four read the version row before any of them writes: three transactions must lose on its ETag and retry.
        _admin.StorageFaults.HoldUntilTogether(m => m.Request.Method == Azure.Core.RequestMethod.Get
            && m.Request.Uri.Path.Contains("RowKey='version'", StringComparison.Ordinal), 4);
        var batches = 0;
        _admin.StorageFaults.FailWhen(m =>
        {
            if (StorageFaults.IsTableBatch(m)) Interlocked.Increment(ref batches);
            return false;
        });
        var answers = await Task.WhenAll(
            _admin.Client.SendAsync(PatchRequest("integration-types/telegram", new { name = "Telegram Bot" })),
            _admin.Client.SendAsync(PatchRequest("integration-types/telegram", new { order = 99 })),
            _admin.Client.SendAsync(PatchRequest("integration-types/zoom", new { is_active = false })),
            _admin.Client.SendAsync(PatchRequest("spheres/health", new { icon = "heart" })));
        _admin.StorageFaults.Heal();

        foreach (var answer in answers) await answer.JsonAsync();
        Assert.True(batches > 4, $"{batches} transactions: the writers did not collide");
        var types = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, "/api/admin/catalog/integration-types/"))).JsonAsync();
        var telegram = types.EnumerateArray().Single(t => t.GetProperty("slug").GetString() == "telegram");
        Assert.Equal(("Telegram Bot", 99), (telegram.GetProperty("name").GetString(), telegram.GetProperty("order").GetInt32()));
        Assert.Equal(["name", "order"], telegram.GetProperty("overridden").EnumerateArray().Select(f => f.GetString()));
        Assert.False(types.EnumerateArray().Single(t => t.GetProperty("slug").GetString() == "zoom").GetProperty("is_active").GetBoolean());
        var version = (await CatalogTableAsync()).GetEntity<TableEntity>("catalog", "version").Value.GetInt64("Version");
        Assert.Equal(1 + 4, version);
        var audit = await (await _admin.Client.SendAsync(_admin.AdminRequest(HttpMethod.Get, "/api/admin/catalog/audit/"))).JsonAsync();
        Assert.Equal(4, audit.GetProperty("results").GetArrayLength());
    }

    private HttpRequestMessage PatchRequest(string item, object body)
    {
        var request = _admin.AdminRequest(HttpMethod.Patch, $"/api/admin/catalog/{item}/");
        request.Content = JsonContent.Create(body);
        return request;
    }

    private async Task<JsonElement> PatchAsync(string item, object body) =>
        await (await _admin.Client.SendAsync(PatchRequest(item, body))).JsonAsync();

    private async Task<TableClient> CatalogTableAsync() =>
        await _admin.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Catalog, default);
}
