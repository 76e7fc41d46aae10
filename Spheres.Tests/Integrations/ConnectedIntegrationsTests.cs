using System.Net;
using System.Text.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Integrations;

/// <summary>The seed's "Connected" tab: each integration with its type's name and icon, why it is not active, a status filter, and PATCH.</summary>
public sealed class ConnectedIntegrationsTests : WithFakeTelegram
{
    [Fact]
    public async Task Every_state_but_active_and_available_explains_itself_and_status_filters_the_list()
    {
        var tenant = await Host.RegisterAsync(sphere: "beauty", plan: "starter");
        var telegram = await Host.ConnectTelegramAsync(tenant);
        var noKey = await Host.CreateIntegrationAsync(tenant, "dikidi");
        var instagram = await Host.CreateIntegrationAsync(tenant, "instagram");

        Assert.Equal("Telegram", telegram.GetProperty("integration_type_name").GetString());
        Assert.Equal("telegram", telegram.GetProperty("icon").GetString());
        Assert.Contains("activate", telegram.GetProperty("status_detail").GetString());
        Assert.Contains("api_key", noKey.GetProperty("status_detail").GetString());
        Assert.Contains("connect your account", instagram.GetProperty("status_detail").GetString());

        var active = await (await Host.PostActionAsync(tenant, telegram.Id(), "activate")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, active.GetProperty("status_detail").ValueKind);
        var inactive = await (await Host.PostActionAsync(tenant, noKey.Id(), "deactivate")).JsonAsync();
        Assert.False(string.IsNullOrWhiteSpace(inactive.GetProperty("status_detail").GetString()));

        Assert.Equal([telegram.Id()], Ids(await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}?status=active")));
        Assert.Equal([instagram.Id()], Ids(await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}?status=pending")));
        Assert.Equal([noKey.Id()], Ids(await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}?status=inactive")));
        Assert.Empty(Ids(await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}?status=relink_required")));

        // Back on free: the active sphere type becomes unavailable, and says why.
        await Host.SetPlanAsync(tenant.TenantId, "free");
        var downgraded = await Host.GetJsonAsync(tenant, $"{IntegrationsApi.Base}{noKey.Id()}/");
        Assert.False(downgraded.GetProperty("is_available").GetBoolean());
        Assert.Contains("starter", downgraded.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task Patch_changes_only_the_settings_keys_it_names_and_null_clears_one()
    {
        var tenant = await Host.RegisterAsync();
        var created = await Host.CreateIntegrationAsync(tenant, "telegram", new { greeting = "Вітаємо!", out_of_hours_message = "Closed" });
        var path = $"{IntegrationsApi.Base}{created.Id()}/";

        var patched = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, path, new { settings = new { greeting = "Hello" } }))).JsonAsync();
        Assert.Equal("Hello", patched.GetProperty("settings").GetProperty("greeting").GetString());
        Assert.Equal("Closed", patched.GetProperty("settings").GetProperty("out_of_hours_message").GetString());

        var cleared = await Host.PostRawAsync(tenant, path, """{"settings":{"out_of_hours_message":null}}""", HttpMethod.Patch);
        Assert.Equal(["greeting"], (await cleared.JsonAsync()).GetProperty("settings").EnumerateObject().Select(p => p.Name));

        var unknown = await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, path, new { settings = new { colour = "red" } }));
        Assert.Equal(["settings.colour"], (await unknown.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        var retyped = await Host.Client.SendAsync(tenant.Request(HttpMethod.Patch, path, new { integration_type_slug = "whatsapp" }));
        Assert.Equal(["integration_type_slug"], (await retyped.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal("Hello", (await Host.GetJsonAsync(tenant, path)).GetProperty("settings").GetProperty("greeting").GetString());
    }

    private static int[] Ids(JsonElement list) => [.. list.EnumerateArray().Select(i => i.Id())];
}
