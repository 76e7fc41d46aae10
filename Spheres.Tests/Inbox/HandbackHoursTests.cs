using System.Net;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;

namespace Spheres.Tests.Inbox;

/// <summary>The reply fixture with <c>Spheres:Inbox:HandbackHours</c> set to 2, not the default 24.</summary>
public sealed class TwoHourHandbackFixture : ReplyFixture
{
    protected override void AddSettings(Dictionary<string, string?> settings) => settings[SettingNames.InboxHandbackHours] = "2";
}

/// <summary>The agent takes a conversation back by itself <c>Spheres:Inbox:HandbackHours</c> after the human's last reply, on the fake clock.</summary>
public sealed class HandbackHoursTests(TwoHourHandbackFixture fixture) : IClassFixture<TwoHourHandbackFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task The_configured_hours_count_from_the_humans_last_reply()
    {
        var (tenant, _, token, url, secret) = await fixture.ActiveTelegramAsync();
        await fixture.TelegramAsync(url, secret, 790_001, 2201, "Хочу поскаржитися");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        await (await Host.ReplyAsync(tenant, id, new { text = "Розкажіть, будь ласка" })).JsonAsync(HttpStatusCode.Accepted);

        // 1.5 hours on, a second human reply: the two hours start again from it.
        fixture.Clock.Advance(TimeSpan.FromMinutes(90));
        tenant = await Host.SignInAgainAsync(tenant);
        await (await Host.ReplyAsync(tenant, id, new { text = "Ми все виправимо" })).JsonAsync(HttpStatusCode.Accepted);
        fixture.Clock.Advance(TimeSpan.FromMinutes(110)); // 3h20 after the first reply, 1h50 after the second
        tenant = await Host.SignInAgainAsync(tenant);
        await fixture.TelegramAsync(url, secret, 790_002, 2201, "Дякую");
        Assert.Equal("human", (await fixture.OnlyNewestAsync(tenant)).Decision());
        Assert.Equal("owner", (await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/")).GetProperty("assignee").GetString());

        fixture.Clock.Advance(TimeSpan.FromMinutes(11)); // past two hours after the second reply
        var back = await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/");
        Assert.Equal(("agent", System.Text.Json.JsonValueKind.Null), (back.GetProperty("status").GetString(), back.GetProperty("assignee").ValueKind));
        Assert.Empty(await Host.ConversationsAsync(tenant, "?status=human"));
        await Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue);
        await fixture.TelegramAsync(url, secret, 790_003, 2201, "І ще одне");
        Assert.Equal("agent", (await fixture.OnlyNewestAsync(tenant)).Decision());
        Assert.Equal(["І ще одне"], (await Deliveries.DrainAsync(fixture.Azurite.ConnectionString, TableNames.AgentRequestsQueue))
            .Select(m => m.GetProperty("text").GetString()));

        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Equal(2, fixture.SendsOf(token).Count()); // the two human replies, nothing else
    }
}
