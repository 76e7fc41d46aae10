using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Inbox;

/// <summary>
/// The inbox as a test drives it: customers writing on Telegram, WhatsApp and Messenger, and the owner's calls. Each customer
/// message is written a few seconds after whatever came before it (the fake clock moves), as a customer's would be.
/// </summary>
public static class InboxApi
{
    private static DateTimeOffset NextMoment(ReplyFixture fixture)
    {
        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        return fixture.Clock.GetUtcNow();
    }

    public static async Task TelegramAsync(this ReplyFixture fixture, string url, string secret, long updateId, long chatId, string text) =>
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(updateId, chatId, text, NextMoment(fixture)))));

    /// <summary>A WhatsApp text from <paramref name="from"/>, with the profile name WhatsApp sends beside it.</summary>
    public static async Task WhatsAppAsync(this ReplyFixture fixture, string phoneNumberId, string from, string name, string text)
    {
        var at = NextMoment(fixture);
        var body = JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = "waba", changes = new[] { new { field = "messages", value = new
            {
                messaging_product = "whatsapp",
                metadata = new { display_phone_number = "380440000000", phone_number_id = phoneNumberId },
                contacts = new[] { new { profile = new { name }, wa_id = from } },
                messages = new[] { new { from, id = "wamid." + Guid.NewGuid().ToString("N"), timestamp = at.ToUnixTimeSeconds().ToString(), type = "text", text = new { body = text } } },
            } } } } },
        });
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Meta(body)));
    }

    public static async Task MessengerAsync(this ReplyFixture fixture, string pageId, string psid, string text)
    {
        var now = NextMoment(fixture).ToUnixTimeMilliseconds();
        var body = JsonSerializer.Serialize(new { @object = "page", entry = new[] { new
        {
            id = pageId, time = now,
            messaging = new[] { new { sender = new { id = psid }, recipient = new { id = pageId }, timestamp = now, message = new { mid = "m_" + Guid.NewGuid().ToString("N"), text } } },
        } } });
        await WebhookFixture.OkAsync(await fixture.Host.Client.SendAsync(Deliveries.Meta(body)));
    }

    /// <summary>Adds an active WhatsApp number to <paramref name="tenant"/> (Graph confirms the owner); its integration id.</summary>
    public static async Task<int> AddWhatsAppAsync(this ReplyFixture fixture, TenantSession tenant, string phoneNumberId)
    {
        var token = (await FakeProviderAccounts.Shared).TokenFor("whatsapp", phoneNumberId);
        var integration = await fixture.Host.CreateIntegrationAsync(tenant, "whatsapp",
            new Dictionary<string, string> { ["phone_number_id"] = phoneNumberId, ["waba_id"] = "102290129340398" },
            new Dictionary<string, string> { ["access_token"] = token });
        await (await fixture.Host.PostActionAsync(tenant, integration.Id(), "activate")).JsonAsync();
        return integration.Id();
    }

    /// <summary>A tenant with an active Telegram bot whose customer wrote once: the tenant, the bot's token and the conversation's id.</summary>
    public static async Task<(TenantSession Tenant, string Token, string ConversationId)> TelegramConversationAsync(this ReplyFixture fixture,
        long updateId, long chatId)
    {
        var (tenant, _, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, updateId, chatId, "Можна записатися на завтра?");
        return (tenant, token, Assert.Single(await fixture.Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!);
    }

    /// <summary>One property (text, status) of each outbound item of the conversation, in order.</summary>
    public static async Task<IReadOnlyList<string>> OutboundAsync(this TestHost host, TenantSession tenant, string conversationId, string property) =>
        (await host.ItemsAsync(tenant, conversationId)).Where(i => i.GetProperty("direction").GetString() == "outbound")
        .Select(i => i.GetProperty(property).GetString()!).ToList();

    public static async Task<List<JsonElement>> ConversationsAsync(this TestHost host, TenantSession tenant, string query = "") =>
        (await host.GetJsonAsync(tenant, "/api/conversations/" + query)).GetProperty("results").EnumerateArray().ToList();

    /// <summary>Every item of the conversation, following <c>next</c> page by page.</summary>
    public static async Task<List<JsonElement>> ItemsAsync(this TestHost host, TenantSession tenant, string conversationId, int limit = 50)
    {
        var items = new List<JsonElement>();
        string? next = $"/api/conversations/{conversationId}/messages/?limit={limit}";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 100, "next keeps pointing on");
            var page = await host.GetJsonAsync(tenant, next);
            items.AddRange(page.GetProperty("results").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }
        return items;
    }

    public static Task<HttpResponseMessage> ReplyAsync(this TestHost host, TenantSession tenant, string conversationId, object body) =>
        host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/", body));

    public static async Task<JsonElement> ActionAsync(this TestHost host, TenantSession tenant, string conversationId, string action) =>
        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Post, $"/api/conversations/{conversationId}/{action}/"))).JsonAsync();

    /// <summary>A fresh access token after the fake clock moved past the old one's lifetime.</summary>
    public static async Task<TenantSession> SignInAgainAsync(this TestHost host, TenantSession tenant)
    {
        var response = await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password });
        return tenant with { AccessToken = (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()! };
    }

    public static string Decision(this JsonElement message) => message.GetProperty("decision").GetString()!;
}

public static class InboxFixtureMessages
{
    /// <summary>The tenant's newest stored message.</summary>
    public static async Task<JsonElement> OnlyNewestAsync(this ReplyFixture fixture, TenantSession tenant) =>
        (await fixture.Host.GetJsonAsync(tenant, "/api/messages/?limit=1")).GetProperty("results")[0];
}
