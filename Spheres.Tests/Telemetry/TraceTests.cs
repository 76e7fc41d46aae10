using System.Diagnostics;
using System.Net;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Telemetry;

/// <summary>
/// One customer message is one trace, from the webhook to the provider's answer, exported through the host's own
/// OpenTelemetry registration; and nothing exported carries a token, a webhook secret, the customer's words or address.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TraceTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private TestHost Host => fixture.Host;
    private TelemetryCapture Telemetry => fixture.Telemetry;

    [Fact]
    public async Task A_closed_hours_telegram_message_is_one_trace_from_intake_through_the_decision_and_queue_to_sendMessage()
    {
        var (tenant, integrationId, token, url, secret) = await fixture.ActiveTelegramAsync();
        await Host.SetWeekAsync(tenant, integrationId, fixture.ClosedNowWeek(out _));
        const long chatId = 730_000_041_977;
        var text = $"Чи можна записатися на завтра? {Guid.NewGuid():N}";

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(731_001, chatId, text, fixture.Clock.GetUtcNow()))));
        var message = await fixture.OnlyMessageAsync(tenant);
        var messageId = message.GetProperty("id").GetString()!;
        var reply = await fixture.ReplyReachesAsync(tenant, messageId, "sent");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);

        var spans = Telemetry.Spans.Snapshot();
        var decision = Assert.Single(spans, s => s.DisplayName == "message decision" && Tag(s, SpheresTelemetry.Tags.MessageId) == messageId);
        Assert.Equal("out_of_hours", Tag(decision, "decision"));
        Assert.Equal("stored", Tag(decision, "outcome"));
        Assert.Equal("telegram", Tag(decision, "provider"));
        var trace = spans.Where(s => s.TraceId == decision.TraceId).ToList();
        var function = Assert.Single(trace, s => s.DisplayName == "function TelegramWebhook");
        var intake = Assert.Single(trace, s => s.DisplayName == "webhook telegram");
        var publish = Assert.Single(trace, s => s.DisplayName == "publish auto-replies");
        var process = Assert.Single(trace, s => s.DisplayName == "process auto-replies");
        var send = Assert.Single(trace, s => s.DisplayName == "telegram sendMessage");

        // Each step is the child of the one before it, and starts after it: the trace reads in order.
        Assert.Equal(default, function.ParentSpanId);
        Assert.Equal("/api/webhooks/telegram/{integration_key}", Tag(function, "http.route"));
        Assert.Equal(200, function.GetTagItem("http.response.status_code"));
        Assert.Equal(function.SpanId, intake.ParentSpanId);
        Assert.Equal(intake.SpanId, decision.ParentSpanId);
        Assert.Equal(decision.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, send.ParentSpanId);
        Assert.True(intake.StartTimeUtc <= decision.StartTimeUtc && decision.StartTimeUtc <= publish.StartTimeUtc
            && publish.StartTimeUtc <= process.StartTimeUtc && process.StartTimeUtc <= send.StartTimeUtc, "the spans do not start in order");
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(ActivityKind.Client, send.Kind);
        Assert.Equal(200, send.GetTagItem("http.response.status_code"));
        Assert.Equal("telegram", Tag(send, "provider"));
        Assert.Equal("sent", Tag(process, SpheresTelemetry.Tags.ReplyStatus));

        // The queue's own invocation (a trace of its own, as the Functions host's) is linked, not a second home of the message.
        var invocation = Assert.Single(spans, s => s.DisplayName == "function SendAutoReply" && process.Links.Any(l => l.Context.SpanId == s.SpanId));
        Assert.NotEqual(decision.TraceId, invocation.TraceId);
        Assert.Single(spans.Where(s => Tag(s, SpheresTelemetry.Tags.MessageId) == messageId).Select(s => s.TraceId).Distinct());
        // The message's logs carry the same trace.
        Assert.Contains(Telemetry.Logs.Snapshot(), l => l.TraceId == decision.TraceId && l.FormattedMessage?.Contains("sent", StringComparison.Ordinal) == true);

        var secrets = new[] { token, secret, new Uri(url).Segments[^1].Trim('/'), text, reply.GetProperty("text").GetString()!, chatId.ToString(), "Оксана" };
        var leaks = Telemetry.AllText()
            .SelectMany(item => secrets.Where(s => item.Text.Contains(s, StringComparison.Ordinal)).Select(s => $"{item.Where}: {s[..Math.Min(6, s.Length)]}…"))
            .Distinct().ToList();
        Assert.True(leaks.Count == 0, "Telemetry holds what it must not:\n" + string.Join("\n", leaks));
        foreach (var (where, value) in Telemetry.AllText()) SecretSentinel.Scan("telemetry " + where, value);
        Assert.Empty(SecretSentinel.LeaksFound);
        Assert.True(Telemetry.AllText().Count() > 50, "the scan saw too little telemetry to mean anything");
    }

    [Fact]
    public async Task A_problems_trace_id_is_the_trace_the_telemetry_exported_and_a_callers_traceparent_is_continued()
    {
        var (_, _, _, url, _) = await fixture.ActiveTelegramAsync();

        var own = await Host.Client.SendAsync(Deliveries.Telegram(url, "not-the-secret", Deliveries.TelegramUpdate(732_001, 4411, "hi", fixture.Clock.GetUtcNow())));
        var traceId = (await own.ProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("trace_id").GetString()!;
        var function = Assert.Single(Telemetry.Spans.Snapshot(), s => s.TraceId.ToHexString() == traceId && s.DisplayName == "function TelegramWebhook");
        Assert.Equal(401, function.GetTagItem("http.response.status_code"));
        Assert.Contains(Telemetry.Spans.Snapshot(), s => s.TraceId.ToHexString() == traceId && s.DisplayName == "webhook telegram"
            && s.Status == ActivityStatusCode.Error);

        var caller = ActivityTraceId.CreateRandom();
        var request = Deliveries.Telegram(url, "not-the-secret", Deliveries.TelegramUpdate(732_002, 4411, "hi", fixture.Clock.GetUtcNow()));
        request.Headers.Add("traceparent", $"00-{caller.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var continued = await (await Host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(caller.ToHexString(), continued.GetProperty("trace_id").GetString());
        Assert.Contains(Telemetry.Spans.Snapshot(), s => s.TraceId == caller && s.DisplayName == "function TelegramWebhook");
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();
}
