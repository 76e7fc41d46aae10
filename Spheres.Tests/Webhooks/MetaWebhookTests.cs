using System.Net;
using System.Text.Json;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

public sealed class MetaWebhookTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private static string NewAccountId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();

    private async Task<(TenantSession Tenant, int IntegrationId)> ActiveAsync(string slug, string routingSetting, string accountId, string credential)
    {
        var tenant = await Host.RegisterAsync();
        var settings = new Dictionary<string, string> { [routingSetting] = accountId };
        if (slug == "whatsapp") settings["waba_id"] = "102290129340398";
        var integration = await Host.CreateIntegrationAsync(tenant, slug, settings,
            new Dictionary<string, string> { [credential] = (await FakeProviderAccounts.Shared).TokenFor(slug, accountId) });
        await (await Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return (tenant, integration.Id());
    }

    private static object MessagingEntry(string accountId, string sender, string mid, string text, long timestampMs, bool echo = false) => new
    {
        id = accountId, time = timestampMs,
        messaging = new object[]
        {
            new { sender = new { id = sender }, recipient = new { id = accountId }, timestamp = timestampMs, message = new { mid, text, is_echo = echo } },
        },
    };

    [Fact]
    public async Task The_handshake_echoes_the_challenge_for_the_right_verify_token_only()
    {
        var ok = await Host.Client.GetAsync($"/api/webhooks/meta/?hub.mode=subscribe&hub.verify_token={TestHost.MetaVerifyToken}&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        await (await Host.Client.GetAsync("/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task One_delivery_with_entries_of_two_tenants_is_routed_apart()
    {
        var pageId = NewAccountId();
        var instagramId = NewAccountId();
        var (messengerTenant, messengerId) = await ActiveAsync("facebook-messenger", "page_id", pageId, "page_access_token");
        var (instagramTenant, instagramIntegration) = await ActiveAsync("instagram", "instagram_account_id", instagramId, "access_token");
        var now = fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        var page = JsonSerializer.Serialize(new { @object = "page", entry = new[]
        {
            MessagingEntry(pageId, "psid-1", "m_" + Guid.NewGuid().ToString("N"), "Hi from Messenger", now),
            MessagingEntry(pageId, pageId, "m_" + Guid.NewGuid().ToString("N"), "our own reply", now, echo: true),
        } });
        var instagram = JsonSerializer.Serialize(new { @object = "instagram", entry = new[]
        {
            MessagingEntry(instagramId, "igsid-9", "aWdf" + Guid.NewGuid().ToString("N"), "Привіт з Instagram", now),
        } });
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(page)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(instagram)));

        var messenger = Assert.Single((await fixture.MessagesAsync(messengerTenant)).GetProperty("results").EnumerateArray());
        Assert.Equal("Hi from Messenger", messenger.GetProperty("text").GetString());
        Assert.Equal("messenger", messenger.GetProperty("provider").GetString());
        Assert.Equal(messengerId, messenger.GetProperty("integration").GetInt32());
        var ig = Assert.Single((await fixture.MessagesAsync(instagramTenant)).GetProperty("results").EnumerateArray());
        Assert.Equal("Привіт з Instagram", ig.GetProperty("text").GetString());
        Assert.Equal(instagramIntegration, ig.GetProperty("integration").GetInt32());
    }

    [Fact]
    public async Task A_whatsapp_business_delivery_stores_messages_and_acknowledges_statuses()
    {
        var phoneNumberId = NewAccountId();
        var (tenant, _) = await ActiveAsync("whatsapp", "phone_number_id", phoneNumberId, "access_token");
        var wamid = "wamid.HBgM" + Guid.NewGuid().ToString("N");
        var body = JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "WABA-1",
                    changes = new object[]
                    {
                        new { field = "messages", value = new
                        {
                            messaging_product = "whatsapp",
                            metadata = new { display_phone_number = "380441234567", phone_number_id = phoneNumberId },
                            contacts = new[] { new { profile = new { name = "Ірина" }, wa_id = "380671112233" } },
                            messages = new[] { new { from = "380671112233", id = wamid, timestamp = fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(), type = "text", text = new { body = "Чи є вільний час завтра?" } } },
                        } },
                        new { field = "messages", value = new
                        {
                            messaging_product = "whatsapp",
                            metadata = new { display_phone_number = "380441234567", phone_number_id = phoneNumberId },
                            statuses = new[] { new { id = "wamid.OUT", status = "delivered", timestamp = "1700000000", recipient_id = "380671112233" } },
                        } },
                    },
                },
            },
        });

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body)));
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Meta(body))); // Meta retries for days

        var message = Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(wamid, message.GetProperty("external_id").GetString());
        Assert.Equal("380671112233", message.GetProperty("sender").GetString());
        Assert.Equal("Чи є вільний час завтра?", message.GetProperty("text").GetString());
        Assert.Equal(1, await fixture.UsageAsync(tenant));
    }

    [Fact]
    public async Task A_verified_delivery_for_an_unknown_account_is_acknowledged_and_writes_nothing()
    {
        var body = JsonSerializer.Serialize(new { @object = "page", entry = new[] { MessagingEntry(NewAccountId(), "psid", "m_1", "hello?", 1_700_000_000_000) } });
        var ack = await (await Host.Client.SendAsync(Deliveries.Meta(body))).JsonAsync();
        Assert.Equal(0, ack.GetProperty("stored").GetInt32());
    }

    [Theory]
    [InlineData("another-secret")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_signature_is_401_and_writes_nothing(string? secret)
    {
        var pageId = NewAccountId();
        var (tenant, _) = await ActiveAsync("facebook-messenger", "page_id", pageId, "page_access_token");
        var body = JsonSerializer.Serialize(new { @object = "page", entry = new[] { MessagingEntry(pageId, "psid", "m_" + Guid.NewGuid().ToString("N"), "x", 1_700_000_000_000) } });

        await (await Host.Client.SendAsync(Deliveries.Meta(body, secret))).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Empty((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task Malformed_json_behind_a_valid_signature_is_400()
    {
        await (await Host.Client.SendAsync(Deliveries.Meta("{\"object\":\"page\",\"entry\":[{\"id\":"))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await Host.Client.SendAsync(Deliveries.Meta("{\"object\":\"telegram\",\"entry\":[]}"))).JsonAsync(); // nothing to route, acknowledged
    }
}
