using System.Net;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Hardening;

/// <summary>
/// Verified deliveries off the documented shape: an event we cannot read is skipped and answered 200 (API.md: a signed delivery is
/// never refused for one odd event; Meta disables webhooks that keep failing); only a body that is no JSON object is a 400. Never a 500.
/// </summary>
public sealed class MalformedDeliveryTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Theory]
    [InlineData("""{"object":"page","entry":[{"id":null,"messaging":[{"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","text":"x"}}]}]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"timestamp":1,"message":{"mid":null,"text":"x"}}]}]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"timestamp":99999999999999999,"message":{"mid":"m","text":"x"}}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"messages":[{"id":"w","from":"3","timestamp":"-99999999999999","type":"text"}]}}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":""},"messages":[]}}]}]}""")]
    [InlineData("""{"object":"instagram","entry":{}}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":{"sender":"x"}}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":1},"messages":"x"}}]}]}""")]
    [InlineData("""{"object":"newsletter","entry":[]}""")]
    [InlineData("""{}""")]
    public async Task Signed_meta_events_off_the_documented_shape_are_skipped_with_a_200(string body)
    {
        var response = await fixture.Host.Client.SendAsync(Deliveries.Meta(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""[1,2,3]""")]
    [InlineData("""not json""")]
    [InlineData("""{"object":"page","entry":[""")]
    public async Task A_signed_meta_body_that_is_no_json_object_is_400(string body)
    {
        var response = await fixture.Host.Client.SendAsync(Deliveries.Meta(body));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Telegram_updates_off_the_documented_shape_store_nothing()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        object[] updates =
        [
            new { update_id = 1, message = new { message_id = 1, date = long.MaxValue, text = "x", chat = new { id = 5, type = "private" }, from = new { id = 5 } } },
            // Issue 26's fuzzer case: a schema-valid-looking update with no customer in it.
            new { update_id = 7, message = new { date = 0, chat = new { id = 0 }, from = 0, text = "" } },
            new { update_id = 8, message = new { message_id = 3, date = 1_700_000_000, text = "hi", chat = new { id = 5 } } }, // no type, no author
            new { update_id = 9, message = "hi" },
        ];
        foreach (var update in updates)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret, update))).StatusCode);
        }
        await (await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret, new[] { 1 }))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(0, await fixture.UsageAsync(tenant));
    }

    [Fact]
    public async Task A_signed_zoom_event_with_an_impossible_time_is_400()
    {
        var body = """{"event":"meeting.started","event_ts":99999999999999999,"payload":{"account_id":"A1","object":{"uuid":"u"}}}""";
        var ts = fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();
        var response = await fixture.Host.Client.SendAsync(Deliveries.Signed("/api/webhooks/zoom/", body,
            ("x-zm-request-timestamp", ts), ("x-zm-signature", "v0=" + Deliveries.HexHmac(TestHost.ZoomWebhookSecret, $"v0:{ts}:{body}"))));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }
}
