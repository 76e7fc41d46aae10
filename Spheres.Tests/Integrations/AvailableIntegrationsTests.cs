using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

/// <summary>The seed's "Available Integrations" tab and the connect form drawn from each type's <c>connect</c> block.</summary>
public sealed class AvailableIntegrationsTests : IAsyncLifetime
{
    private const string Available = "/api/integrations/api/available/";
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_free_beauty_owner_in_ukraine_sees_the_spheres_types_country_first_with_why_each_is_unavailable()
    {
        var tenant = await _host.RegisterAsync(sphere: "beauty", country: "UA");
        var types = await _host.GetJsonAsync(tenant, Available);

        Assert.Equal(20, types.GetArrayLength());
        var slugs = types.Strings("slug").ToList();
        // Named for Ukraine first (Dikidi, EasyWeek), then worldwide, then the ones not offered in Ukraine.
        Assert.Equal(["dikidi", "easyweek"], slugs.Take(2));
        var notInUkraine = new[] { "booksy", "treatwell", "planity", "reservio", "salonized" };
        Assert.All(notInUkraine, slug => Assert.True(slugs.IndexOf(slug) >= 20 - notInUkraine.Length, $"{slug} should come last"));

        var bySlug = types.EnumerateArray().ToDictionary(t => t.GetProperty("slug").GetString()!);
        Assert.True(bySlug["telegram"].GetProperty("is_available").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, bySlug["telegram"].GetProperty("unavailable_reason").ValueKind);
        Assert.Equal("free", bySlug["telegram"].GetProperty("required_plan").GetString());
        Assert.False(bySlug["dikidi"].GetProperty("is_available").GetBoolean());
        Assert.Equal("plan-required", bySlug["dikidi"].GetProperty("unavailable_reason").GetString());
        Assert.Equal("starter", bySlug["dikidi"].GetProperty("required_plan").GetString());
        Assert.Equal("country", bySlug["booksy"].GetProperty("unavailable_reason").GetString());
        Assert.All(bySlug.Values, t => Assert.False(string.IsNullOrEmpty(t.GetProperty("icon").GetString())));
    }

    [Fact]
    public async Task A_connected_type_carries_its_integration_id_and_an_upgrade_makes_sphere_types_available()
    {
        var tenant = await _host.RegisterAsync(sphere: "health", country: "PL");
        var telegram = await _host.ConnectTelegramAsync(tenant);
        await _host.SetPlanAsync(tenant.TenantId, "starter");

        var bySlug = (await _host.GetJsonAsync(tenant, Available)).EnumerateArray().ToDictionary(t => t.GetProperty("slug").GetString()!);
        Assert.Equal(18, bySlug.Count);
        Assert.Equal(telegram.Id(), bySlug["telegram"].GetProperty("integration_id").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, bySlug["zoom"].GetProperty("integration_id").ValueKind);
        Assert.True(bySlug["znany-lekarz"].GetProperty("is_available").GetBoolean());
        Assert.Equal("country", bySlug["doc-ua"].GetProperty("unavailable_reason").GetString());
    }

    [Fact]
    public async Task Every_one_of_the_28_types_has_a_connect_form_that_the_api_itself_accepts()
    {
        var types = await (await _host.Client.GetAsync("/api/accounts/integration-types/")).JsonAsync();
        Assert.Equal(28, types.GetArrayLength());
        foreach (var type in types.EnumerateArray())
        {
            var slug = type.GetProperty("slug").GetString()!;
            var connect = type.GetProperty("connect");
            var method = connect.GetProperty("method").GetString();
            Assert.Contains(method, new[] { "oauth", "bot_token", "api_key", "credentials" });
            Assert.Equal(type.GetProperty("requires_oauth").GetBoolean(), method == "oauth");
            var credentials = connect.GetProperty("credential_fields").EnumerateArray().ToList();
            Assert.Contains(credentials, f => f.GetProperty("required").GetBoolean());
            Assert.All(credentials, f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("label").GetString())));
            Assert.All(connect.GetProperty("setting_fields").EnumerateArray(), f =>
                Assert.Contains(f.GetProperty("kind").GetString(), new[] { "string", "text", "id" }));
            Assert.False(string.IsNullOrEmpty(type.GetProperty("icon").GetString()), slug);
        }

        var telegram = types.EnumerateArray().Single(t => t.GetProperty("slug").GetString() == "telegram").GetProperty("connect");
        Assert.Equal("bot_token", telegram.GetProperty("method").GetString());
        var botToken = telegram.GetProperty("credential_fields").EnumerateArray().Single();
        Assert.True(botToken.GetProperty("secret").GetBoolean());
        var pattern = new Regex(botToken.GetProperty("pattern").GetString()!);
        Assert.Matches(pattern, SecretSentinel.NewTelegramToken());
        Assert.DoesNotMatch(pattern, "12345:short");
        Assert.Equal(["greeting", "out_of_hours_message"], telegram.GetProperty("setting_fields").Strings("name"));
    }

    [Fact]
    public async Task A_form_filled_from_the_connect_block_is_accepted_for_every_type_a_professional_may_use()
    {
        var tenant = await _host.RegisterAsync(sphere: "beauty", country: null, plan: "professional");
        var types = await _host.GetJsonAsync(tenant, Available);
        foreach (var type in types.EnumerateArray())
        {
            var connect = type.GetProperty("connect");
            var credentials = connect.GetProperty("credential_fields").EnumerateArray()
                .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("name").GetString() switch
                {
                    "expires_at" => "2026-12-01T10:00:00Z", // the form's pattern: ISO 8601 with offset
                    _ when f.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.String => SecretSentinel.NewTelegramToken(),
                    _ => SecretSentinel.NewSecret("form"),
                });
            var settings = connect.GetProperty("setting_fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, _ => "value-1");
            var created = await _host.CreateAsync(tenant, new { integration_type_id = type.GetProperty("id").GetInt32().ToString(), settings, credentials });
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{type.GetProperty("slug")}: {await created.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_settings_key_outside_the_form_is_a_400_naming_it_and_nothing_is_created()
    {
        var tenant = await _host.RegisterAsync();
        var response = await _host.CreateAsync(tenant, new { integration_type_slug = "telegram", settings = new { greeting = "Hi", colour = "red" } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["settings.colour"], problem.ErrorFields());
        Assert.Contains("greeting, out_of_hours_message", problem.ErrorText("settings.colour"));
        Assert.Empty((await _host.GetJsonAsync(tenant, IntegrationsApi.Base)).EnumerateArray());
    }
}
