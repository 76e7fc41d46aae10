using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Messaging;
using Spheres.Core.Outbound;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Analytics;

/// <summary><c>GET /api/analytics/responses/</c> on a week seeded in storage, against a count made by hand.</summary>
public sealed class ResponseAnalyticsTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static string NewId() => Guid.NewGuid().ToString("N")[..24];

    private async Task<string> MessageAsync(string tenantId, int integrationId, string customer, string sentAt)
    {
        var id = NewId();
        var at = Utc(sentAt);
        await Host.Services.GetRequiredService<MessageStore>().TryStoreAsync(new InboundMessage(tenantId, integrationId, id, "telegram", $"{customer}:{id}",
            customer, "Чи можна записатися?", at, at, MessageDecision.Agent, null, true, default), null, default);
        return id;
    }

    private Task ReplyAsync(string tenantId, int integrationId, string messageId, ReplyKind kind, string customer, string sentAt,
        ReplyStatus status = ReplyStatus.Sent) =>
        Host.Services.GetRequiredService<ReplyStore>().GetOrCreateAsync(new Reply(tenantId, messageId, integrationId, kind, "…", customer,
            status, Utc(sentAt), status == ReplyStatus.Sent ? Utc(sentAt) : null), default);

    [Fact]
    public async Task A_seeded_week_in_Kyiv_matches_the_hand_count()
    {
        var tenant = await Host.RegisterAsync(plan: "professional", timezone: "Europe/Kyiv");
        var t = tenant.TenantId;
        // A: Mon 10:00 Kyiv, the agent answers in 60 s (and answers a second message later: not the first response).
        var a1 = await MessageAsync(t, 1, "a", "2026-11-02T08:00:00");
        await ReplyAsync(t, 1, a1, ReplyKind.Agent, "a", "2026-11-02T08:01:00");
        var a2 = await MessageAsync(t, 1, "a", "2026-11-02T08:30:00");
        await ReplyAsync(t, 1, a2, ReplyKind.Agent, "a", "2026-11-02T08:31:00");
        // B: Mon 10:20, the out-of-hours reply at once, then a human after 1800 s: answered by the human.
        var b1 = await MessageAsync(t, 1, "b", "2026-11-02T08:20:00");
        await ReplyAsync(t, 1, b1, ReplyKind.OutOfHours, "b", "2026-11-02T08:20:05");
        await ReplyAsync(t, 1, "h" + NewId()[..23], ReplyKind.Human, "b", "2026-11-02T08:50:00");
        // C: Tue 22:00, only the out-of-hours reply.
        var c1 = await MessageAsync(t, 1, "c", "2026-11-03T20:00:00");
        await ReplyAsync(t, 1, c1, ReplyKind.OutOfHours, "c", "2026-11-03T20:00:03");
        // D: Wed 14:00, only the quota reply; E: Thu 11:00, nothing. Both count as not answered.
        var d1 = await MessageAsync(t, 1, "d", "2026-11-04T12:00:00");
        await ReplyAsync(t, 1, d1, ReplyKind.QuotaExceeded, "d", "2026-11-04T12:00:02");
        await MessageAsync(t, 1, "e", "2026-11-05T09:00:00");
        // F: Fri 09:00 on another integration, the agent in 300 s.
        var f1 = await MessageAsync(t, 2, "f", "2026-11-06T07:00:00");
        await ReplyAsync(t, 2, f1, ReplyKind.Agent, "f", "2026-11-06T07:05:00");
        // A human reply to f a minute before f wrote (of an earlier conversation): not F's answer.
        await ReplyAsync(t, 2, "h" + NewId()[..23], ReplyKind.Human, "f", "2026-11-06T06:59:00");
        // H: Sat 12:00, the agent's reply failed and a human wrote to "h" on another integration: not answered.
        var h1 = await MessageAsync(t, 1, "h", "2026-11-07T10:00:00");
        await ReplyAsync(t, 1, h1, ReplyKind.Agent, "h", "2026-11-07T10:00:30", ReplyStatus.Failed);
        await ReplyAsync(t, 2, "h" + NewId()[..23], ReplyKind.Human, "h", "2026-11-07T10:10:00");
        // G: the Monday after the period.
        var g1 = await MessageAsync(t, 1, "g", "2026-11-09T08:00:00");
        await ReplyAsync(t, 1, g1, ReplyKind.Agent, "g", "2026-11-09T08:00:10");

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/responses/?from=2026-11-02&to=2026-11-08");

        Assert.Equal(("Europe/Kyiv", "2026-11-02", "2026-11-08", 7), (report.GetProperty("timezone").GetString(), report.GetProperty("from").GetString(),
            report.GetProperty("to").GetString(), report.GetProperty("conversations").GetInt32()));
        // By hand: A and F the agent, B the human, C out of hours only, D, E and H nobody; 7 conversations.
        Assert.Equal((2, 1, 1, 3), AnsweredBy(report));
        var shares = report.GetProperty("shares"); // 2/7, 1/7, 1/7, 3/7 to four places
        Assert.Equal((0.2857, 0.1429, 0.1429, 0.4286), (shares.GetProperty("agent").GetDouble(), shares.GetProperty("human").GetDouble(),
            shares.GetProperty("out_of_hours").GetDouble(), shares.GetProperty("none").GetDouble()));
        // Answered: A 60 s, F 300 s, B 1800 s. Nearest rank of 3: p50 the 2nd (ceil 1.5), p90 and p99 the 3rd (ceil 2.7, ceil 2.97).
        var seconds = report.GetProperty("first_response_seconds");
        Assert.Equal((300.0, 1800.0, 1800.0), (seconds.GetProperty("p50").GetDouble(), seconds.GetProperty("p90").GetDouble(), seconds.GetProperty("p99").GetDouble()));
        // Kyiv is UTC+2 in November: A and B Monday 10, B answered in 1800 s and A in 60 s (p50 of two, the 1st: 60).
        Assert.Equal(["0 10: 2 (1, 1, 0, 0) p50 60", "1 22: 1 (0, 0, 1, 0) p50 -", "2 14: 1 (0, 0, 0, 1) p50 -", "3 11: 1 (0, 0, 0, 1) p50 -",
            "4 9: 1 (1, 0, 0, 0) p50 300", "5 12: 1 (0, 0, 0, 1) p50 -"],
            report.GetProperty("cells").EnumerateArray().Select(Cell));
    }

    [Fact]
    public async Task Only_the_professional_plan_has_it()
    {
        var starter = await Host.RegisterAsync(plan: "starter");
        var problem = await (await Host.Client.SendAsync(starter.Request(HttpMethod.Get, "/api/analytics/responses/"))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        var professional = await Host.RegisterAsync(plan: "professional");
        var empty = await Host.GetJsonAsync(professional, "/api/analytics/responses/");
        Assert.Equal(0, empty.GetProperty("conversations").GetInt32());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("first_response_seconds").GetProperty("p50").ValueKind);
        await (await Host.Client.SendAsync(professional.Request(HttpMethod.Get, "/api/analytics/responses/?from=2026-13-01"))).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static (int, int, int, int) AnsweredBy(JsonElement e)
    {
        var a = e.GetProperty("answered_by");
        return (a.GetProperty("agent").GetInt32(), a.GetProperty("human").GetInt32(), a.GetProperty("out_of_hours").GetInt32(), a.GetProperty("none").GetInt32());
    }

    private static string Cell(JsonElement c)
    {
        var p50 = c.GetProperty("first_response_p50_seconds");
        return $"{c.GetProperty("weekday").GetInt32()} {c.GetProperty("hour").GetInt32()}: {c.GetProperty("conversations").GetInt32()} {AnsweredBy(c)} p50 "
            + (p50.ValueKind == JsonValueKind.Null ? "-" : p50.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
