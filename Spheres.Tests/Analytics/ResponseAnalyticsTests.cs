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

    private Task ReplyAsync(string tenantId, int integrationId, string messageId, ReplyKind kind, string customer, string sentAt) =>
        Host.Services.GetRequiredService<ReplyStore>().GetOrCreateAsync(new Reply(tenantId, messageId, integrationId, kind, "…", customer,
            ReplyStatus.Sent, Utc(sentAt), Utc(sentAt)), default);

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
        // G: the Monday after the period.
        var g1 = await MessageAsync(t, 1, "g", "2026-11-09T08:00:00");
        await ReplyAsync(t, 1, g1, ReplyKind.Agent, "g", "2026-11-09T08:00:10");

        var report = await Host.GetJsonAsync(tenant, "/api/analytics/responses/?from=2026-11-02&to=2026-11-08");

        Assert.Equal(("Europe/Kyiv", "2026-11-02", "2026-11-08", 6), (report.GetProperty("timezone").GetString(), report.GetProperty("from").GetString(),
            report.GetProperty("to").GetString(), report.GetProperty("conversations").GetInt32()));
        Assert.Equal((2, 1, 1, 2), AnsweredBy(report));
        var shares = report.GetProperty("shares");
        Assert.Equal((0.3333, 0.1667, 0.1667, 0.3333), (shares.GetProperty("agent").GetDouble(), shares.GetProperty("human").GetDouble(),
            shares.GetProperty("out_of_hours").GetDouble(), shares.GetProperty("none").GetDouble()));
        var seconds = report.GetProperty("first_response_seconds"); // answered: 60, 300, 1800
        Assert.Equal((300.0, 1800.0, 1800.0), (seconds.GetProperty("p50").GetDouble(), seconds.GetProperty("p90").GetDouble(), seconds.GetProperty("p99").GetDouble()));
        Assert.Equal(["0 10: 2 (1, 1, 0, 0) p50 60", "1 22: 1 (0, 0, 1, 0) p50 -", "2 14: 1 (0, 0, 0, 1) p50 -", "3 11: 1 (0, 0, 0, 1) p50 -",
            "4 9: 1 (1, 0, 0, 0) p50 300"],
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
