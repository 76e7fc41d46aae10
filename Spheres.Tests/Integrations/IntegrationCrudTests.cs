using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

public sealed class IntegrationCrudTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Connecting_telegram_stores_the_token_out_of_sight_and_gives_an_unguessable_webhook_url()
    {
        var tenant = await _host.RegisterAsync();
        var token = SecretSentinel.NewTelegramToken();
        var response = await _host.CreateAsync(tenant, new
        {
            integration_type_slug = "telegram", settings = new { greeting = "Вітаємо в салоні!" }, credentials = new { bot_token = token },
        });

        var created = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("pending", created.Status());
        Assert.Equal("telegram", created.GetProperty("integration_type_slug").GetString());
        Assert.Equal(5, created.GetProperty("integration_type_id").GetInt32());
        Assert.Equal(tenant.UserId, created.GetProperty("user_id").GetString());
        Assert.True(created.GetProperty("has_credentials").GetBoolean());
        Assert.True(created.GetProperty("supports_working_hours").GetBoolean());
        Assert.True(created.GetProperty("is_available").GetBoolean());
        Assert.Equal("Вітаємо в салоні!", created.GetProperty("settings").GetProperty("greeting").GetString());
        Assert.False(created.TryGetProperty("credentials", out _));
        var url = created.GetProperty("webhook_url").GetString()!;
        Assert.StartsWith("https://spheres.test/api/webhooks/telegram/", url);
        var key = url["https://spheres.test/api/webhooks/telegram/".Length..].TrimEnd('/');
        Assert.True(key.Length >= 20 && key != created.Id().ToString(), $"key '{key}' should be long and random");
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal($"/api/integrations/api/{created.Id()}/", response.Headers.Location?.ToString());

        var read = await _host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{created.Id()}");
        Assert.Equal(url, read.GetProperty("webhook_url").GetString());
    }

    [Fact]
    public async Task Ids_are_integers_unique_within_the_tenant_and_the_list_shows_them_all()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var slugs = new[] { "telegram", "instagram", "facebook-messenger", "booksy", "gmail", "zoom" };
        using var race = _host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, slugs.Length); // all read the id sequence before any commits
        var created = await Task.WhenAll(slugs.Select(slug => _host.CreateAsync(tenant, new { integration_type_slug = slug })));

        Assert.True(race.Happened, "the creates never were in flight together");
        Assert.All(created, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var list = await _host.GetJsonAsync(tenant, IntegrationsApi.Base);
        Assert.Equal(Enumerable.Range(1, slugs.Length), list.EnumerateArray().Select(i => i.Id()));
        Assert.Equal(slugs.Order(), list.Strings("integration_type_slug").Order());
        Assert.Equal(slugs.Length, list.EnumerateArray().Select(i => i.GetProperty("integration_type_id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task Webhook_url_is_given_for_types_that_receive_webhooks_only()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var meta = await _host.CreateIntegrationAsync(tenant, "whatsapp");
        var booksy = await _host.CreateIntegrationAsync(tenant, "booksy");
        var zoom = await _host.CreateIntegrationAsync(tenant, "zoom");
        Assert.Equal("https://spheres.test/api/webhooks/meta/", meta.GetProperty("webhook_url").GetString());
        Assert.Equal("https://spheres.test/api/webhooks/zoom/", zoom.GetProperty("webhook_url").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, booksy.GetProperty("webhook_url").ValueKind);
    }

    [Fact]
    public async Task One_integration_per_type_even_when_created_at_once()
    {
        var tenant = await _host.RegisterAsync();
        using var race = _host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 6);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _host.CreateAsync(tenant, new { integration_type_id = 6 })));
        Assert.True(race.Happened, "the six creates never were in flight together");
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await conflict.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single((await _host.GetJsonAsync(tenant, IntegrationsApi.Base)).EnumerateArray());
    }

    [Theory]
    [InlineData("{\"integration_type_slug\":\"myspace\"}", "integration_type_slug")]
    [InlineData("{\"integration_type_id\":99}", "integration_type_id")]
    [InlineData("{}", "integration_type_slug")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"integration_type_id\":6}", "integration_type_id")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"credentials\":{\"bot_token\":\"12345\"}}", "credentials.bot_token")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"credentials\":{\"api_key\":\"x\"}}", "credentials.api_key")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"credentials\":{\"bot_token\":42}}", "credentials.bot_token")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"credentials\":\"token\"}", "credentials")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"settings\":[1]}", "settings")]
    [InlineData("{\"integration_type_slug\":\"telegram\",\"settings\":{\"greeting\":5}}", "settings.greeting")]
    [InlineData("{\"integration_type_slug\":\"instagram\",\"settings\":{\"instagram_account_id\":17841}}", "settings.instagram_account_id")]
    [InlineData("{\"integration_type_slug\":", "body")]
    public async Task Invalid_input_is_400_naming_the_field_and_creates_nothing(string json, string field)
    {
        var tenant = await _host.RegisterAsync();
        var request = tenant.Request(HttpMethod.Post, IntegrationsApi.Base);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");

        var problem = await (await _host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Empty((await _host.GetJsonAsync(tenant, IntegrationsApi.Base)).EnumerateArray());
    }

    [Fact]
    public async Task A_wrong_credential_is_named_but_its_value_never_echoed()
    {
        var tenant = await _host.RegisterAsync();
        var wrong = SecretSentinel.NewSecret("not-a-bot-token");
        var response = await _host.CreateAsync(tenant, new { integration_type_slug = "telegram", credentials = new { bot_token = wrong } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("BotFather", problem.GetProperty("errors").GetProperty("credentials.bot_token")[0].GetString());
        Assert.DoesNotContain(wrong, problem.GetRawText());
    }

    [Fact]
    public async Task Settings_over_16_kb_are_refused()
    {
        var tenant = await _host.RegisterAsync();
        var response = await _host.CreateAsync(tenant, new { integration_type_slug = "telegram", settings = new { greeting = new string('a', 17 * 1024) } });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("settings", out _));
    }

    [Fact]
    public async Task Sphere_and_plan_decide_what_may_be_connected()
    {
        var health = await _host.RegisterAsync(sphere: "health", plan: "professional");
        var wrongSphere = await (await _host.CreateAsync(health, new { integration_type_slug = "booksy" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/sphere-mismatch", wrongSphere.GetProperty("type").GetString());

        var freeBeauty = await _host.RegisterAsync(sphere: "beauty");
        var notInPlan = await (await _host.CreateAsync(freeBeauty, new { integration_type_slug = "booksy" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/plan-required", notInPlan.GetProperty("type").GetString());
        await _host.CreateIntegrationAsync(freeBeauty, "telegram"); // general types are on every plan

        await _host.SetPlanAsync(freeBeauty.TenantId, "starter");
        await _host.CreateIntegrationAsync(freeBeauty, "booksy");
    }

    [Fact]
    public async Task Put_replaces_settings_and_credentials_and_a_stale_if_match_is_409()
    {
        var tenant = await _host.RegisterAsync(plan: "starter");
        var created = await _host.CreateIntegrationAsync(tenant, "booksy", new { location_id = "kyiv-1" });
        var path = $"{IntegrationsApi.Base}{created.Id()}/";
        var read = await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, path));
        var etag = read.Headers.ETag!.Tag;

        var put = tenant.Request(HttpMethod.Put, path, new { settings = new { location_id = "lviv-2" }, credentials = new { api_key = SecretSentinel.NewSecret("booksy") } });
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await (await _host.Client.SendAsync(put)).JsonAsync();
        Assert.Equal("lviv-2", updated.GetProperty("settings").GetProperty("location_id").GetString());
        Assert.True(updated.GetProperty("has_credentials").GetBoolean());

        var stale = tenant.Request(HttpMethod.Put, path, new { settings = new { location_id = "odesa-3" } });
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await _host.Client.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("lviv-2", (await _host.GetJsonAsync(tenant, path)).GetProperty("settings").GetProperty("location_id").GetString());

        // Credentials only: settings stay as they are.
        var credentialsOnly = await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Put, path,
            new { credentials = new { api_key = SecretSentinel.NewSecret("booksy") } }))).JsonAsync();
        Assert.Equal("lviv-2", credentialsOnly.GetProperty("settings").GetProperty("location_id").GetString());
        Assert.Equal(1, await CredentialRowsOfAsync(tenant.TenantId)); // the replaced secrets are gone
    }

    [Fact]
    public async Task Delete_removes_the_integration_and_its_secret_and_frees_the_type()
    {
        var tenant = await _host.RegisterAsync();
        var created = await _host.ConnectTelegramAsync(tenant);
        Assert.Equal(1, await CredentialRowsOfAsync(tenant.TenantId));

        var delete = await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"{IntegrationsApi.Base}{created.Id()}/"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"{IntegrationsApi.Base}{created.Id()}/"))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await CredentialRowsOfAsync(tenant.TenantId));
        await _host.ConnectTelegramAsync(tenant);
    }

    [Theory]
    [InlineData("/api/integrations/api/999/")]
    [InlineData("/api/integrations/api/abc/")]
    public async Task Unknown_ids_are_404(string path)
    {
        var tenant = await _host.RegisterAsync();
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Get, path))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_failed_vault_write_leaves_no_integration()
    {
        var tenant = await _host.RegisterAsync();
        _host.StorageFaults.FailWhen(m => StorageFaults.IsTable(m, TableNames.Credentials));
        try
        {
            var response = await _host.CreateAsync(tenant, new { integration_type_slug = "telegram", credentials = new { bot_token = SecretSentinel.NewTelegramToken() } });
            await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            _host.StorageFaults.Heal();
        }
        Assert.Empty((await _host.GetJsonAsync(tenant, IntegrationsApi.Base)).EnumerateArray());
    }

    [Fact]
    public async Task A_failed_row_write_removes_the_secret_it_had_just_stored()
    {
        var tenant = await _host.RegisterAsync();
        _host.StorageFaults.FailWhen(m => StorageFaults.IsTableBatch(m));
        try
        {
            var response = await _host.CreateAsync(tenant, new { integration_type_slug = "telegram", credentials = new { bot_token = SecretSentinel.NewTelegramToken() } });
            await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            _host.StorageFaults.Heal();
        }
        Assert.Equal(0, await CredentialRowsOfAsync(tenant.TenantId));
        Assert.Empty((await _host.GetJsonAsync(tenant, IntegrationsApi.Base)).EnumerateArray());
    }

    private async Task<int> CredentialRowsOfAsync(string tenantId)
    {
        var table = await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Credentials, default);
        var count = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["RowKey"]))
            if (row.RowKey.StartsWith($"c-{tenantId}-", StringComparison.Ordinal)) count++;
        return count;
    }
}
