using System.Net;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Hardening;

/// <summary>Verified deliveries whose JSON is off the documented shape are a 400 the provider stops retrying, never a 500.</summary>
public sealed class MalformedDeliveryTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    [Theory]
    [InlineData("""{"object":"page","entry":[{"id":null,"messaging":[{"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m","text":"x"}}]}]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"timestamp":1,"message":{"mid":null,"text":"x"}}]}]}""")]
    [InlineData("""{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"timestamp":99999999999999999,"message":{"mid":"m","text":"x"}}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1"},"messages":[{"id":"w","from":"3","timestamp":"-99999999999999","type":"text"}]}}]}]}""")]
    [InlineData("""{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":""},"messages":[]}}]}]}""")]
    [InlineData("""{"object":"instagram","entry":{}}""")]
    [InlineData("""[1,2,3]""")]
    public async Task Signed_meta_deliveries_off_the_documented_shape_are_400(string body)
    {
        var response = await fixture.Host.Client.SendAsync(Deliveries.Meta(body));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_telegram_update_dated_beyond_the_calendar_is_400()
    {
        var (_, _, url, secret) = await fixture.ActiveTelegramAsync();
        var update = new { update_id = 1, message = new { message_id = 1, date = long.MaxValue, text = "x", chat = new { id = 5 } } };
        await (await fixture.Host.Client.SendAsync(Deliveries.Telegram(url, secret, update))).ProblemAsync(HttpStatusCode.BadRequest);
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
