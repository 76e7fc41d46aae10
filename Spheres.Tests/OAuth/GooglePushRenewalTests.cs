using System.Net;
using Spheres.Core.Integrations;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Core.Webhooks;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>Google's push renewed before it lapses: a new Calendar channel before the old one stops; Gmail's watch called again.</summary>
[Collection(OAuthMaintenanceCollection.Name)]
public sealed class GooglePushRenewalTests(OAuthMaintenanceFixture fx)
{
    private FakeTokenEndpoint Provider => fx.Provider;

    /// <summary>An active calendar whose channel (as the consent flow sets it up) lapses in two hours.</summary>
    private async Task<(TenantSession Tenant, Integration Row, string ChannelToken)> CalendarWithLapsingChannelAsync()
    {
        var (tenant, integration, _, _) = await fx.ConnectedAsync("google-calendar", TimeSpan.FromHours(1), new { channel_resource_id = "calendar-resource-1" });
        Assert.Equal("active", (await (await fx.Host.PostActionAsync(tenant, integration.Id, "activate")).JsonAsync()).Status());
        var active = (await fx.RowAsync(tenant, integration.Id))!;
        var row = (await fx.Get<IntegrationStore>().TryReplaceAsync(active with { PushExpiresAt = fx.Clock.GetUtcNow().AddHours(2) }, default))!;
        return (tenant, row, (await fx.VaultAsync(row.WebhookSecretRef))!["channel_token"]);
    }

    private Task<HttpResponseMessage> PushAsync(string channelId, string token, string number) => fx.Host.Client.SendAsync(Deliveries.Signed(
        "/api/webhooks/google-calendar/", "", ("X-Goog-Channel-ID", channelId), ("X-Goog-Channel-Token", token),
        ("X-Goog-Resource-State", "exists"), ("X-Goog-Message-Number", number)));

    [Fact]
    public async Task A_lapsing_calendar_channel_is_replaced_by_a_new_one_before_the_old_one_is_stopped()
    {
        var (tenant, before, oldToken) = await CalendarWithLapsingChannelAsync();
        Provider.WatchExpiration = fx.Clock.GetUtcNow().AddDays(7);
        var earlier = Provider.Api.Calls.Count; // the fake is shared by the collection: look at this test's calls only

        Assert.Equal(RenewalOutcome.Renewed, await fx.Get<PushRenewal>().RenewAsync(tenant.TenantId, before.Id, default));

        var calls = Provider.Api.Calls.Skip(earlier).ToList();
        var watch = calls.FindIndex(c => Provider.CalendarWatches.Contains(c) && c.Path == "/calendar/v3/calendars/primary/events/watch");
        var stop = calls.FindIndex(c => c.Path == "/calendar/v3/channels/stop" && FakeTokenEndpoint.Fields(c.Body)["id"] == before.WebhookKey);
        Assert.True(watch >= 0 && stop > watch, "events.watch of the new channel, then channels.stop of the old");
        Assert.Equal("calendar-resource-1", FakeTokenEndpoint.Fields(calls[stop].Body)["resourceId"]);
        var watched = FakeTokenEndpoint.Fields(calls[watch].Body);
        Assert.Equal(("web_hook", "https://spheres.test/api/webhooks/google-calendar/"), (watched["type"], watched["address"]));

        var after = (await fx.RowAsync(tenant, before.Id))!;
        Assert.Equal((watched["id"], Spheres.Core.Providers.Google.GoogleModule.ChannelRouteKey(watched["id"])), (after.WebhookKey, after.RouteKey));
        Assert.NotEqual(before.WebhookKey, after.WebhookKey);
        Assert.Equal(FakeTokenEndpoint.WatchedResourceId, after.Setting("channel_resource_id"));
        Assert.Equal(Provider.WatchExpiration.ToUnixTimeMilliseconds(), after.PushExpiresAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(watched["token"], (await fx.VaultAsync(after.WebhookSecretRef))!["channel_token"]);
        Assert.Null(await fx.VaultAsync(before.WebhookSecretRef));

        // Google's pushes on the new channel are ours; the old channel's are not any more.
        fx.Clock.Advance(IntegrationCache.Lifetime); // what the webhook path cached of the row
        Assert.Equal("stored", (await (await PushAsync(watched["id"], watched["token"], "7")).JsonAsync()).GetProperty("outcome").GetString());
        await (await PushAsync(before.WebhookKey, oldToken, "8")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RenewalOutcome.NotDue, await fx.Get<PushRenewal>().RenewAsync(tenant.TenantId, before.Id, default));
    }

    [Fact]
    public async Task A_watch_that_fails_keeps_the_old_channel_working_and_the_next_run_stops_the_pending_one_first()
    {
        var (tenant, before, oldToken) = await CalendarWithLapsingChannelAsync();
        var earlier = Provider.Api.Calls.Count;
        Provider.WatchFailure = (503, new { error = new { code = 503, message = "Backend Error" } });
        try
        {
            Assert.Equal(RenewalOutcome.RetryLater, await fx.Get<PushRenewal>().RenewAsync(tenant.TenantId, before.Id, default));
        }
        finally
        {
            Provider.WatchFailure = null;
        }
        var pendingId = FakeTokenEndpoint.Fields(Provider.CalendarWatches.Last().Body)["id"];
        var halfway = (await fx.RowAsync(tenant, before.Id))!;
        Assert.Equal((before.WebhookKey, before.PushExpiresAt), (halfway.WebhookKey, halfway.PushExpiresAt));
        Assert.Equal(pendingId, (await fx.VaultAsync(halfway.WebhookSecretRef))![Spheres.Core.Providers.Google.GoogleCalendarPush.PendingChannelId]); // the row knows it
        fx.Clock.Advance(IntegrationCache.Lifetime);
        Assert.Equal("stored", (await (await PushAsync(before.WebhookKey, oldToken, "1")).JsonAsync()).GetProperty("outcome").GetString());

        Assert.Equal(RenewalOutcome.Renewed, await fx.Get<PushRenewal>().RenewAsync(tenant.TenantId, before.Id, default));

        var calls = Provider.Api.Calls.Skip(earlier).ToList();
        var stopPending = calls.FindIndex(c => c.Path == "/calendar/v3/channels/stop" && FakeTokenEndpoint.Fields(c.Body)["id"] == pendingId);
        var secondWatch = calls.FindLastIndex(c => Provider.CalendarWatches.Contains(c));
        Assert.True(stopPending >= 0 && stopPending < secondWatch, "the channel of the failed run is stopped before a new one starts");
        Assert.NotEqual(pendingId, (await fx.RowAsync(tenant, before.Id))!.WebhookKey);
    }

    [Fact]
    public async Task Gmail_watch_is_called_again_with_our_topic_and_the_row_remembers_its_new_expiry()
    {
        var (tenant, integration, accessToken, _) = await fx.ConnectedAsync("gmail", TimeSpan.FromHours(1));
        await (await fx.Host.PostActionAsync(tenant, integration.Id, "activate")).JsonAsync();
        var active = (await fx.RowAsync(tenant, integration.Id))!;
        await fx.Get<IntegrationStore>().TryReplaceAsync(active with { PushExpiresAt = fx.Clock.GetUtcNow().AddDays(5) }, default);
        Provider.WatchExpiration = fx.Clock.GetUtcNow().AddDays(7);

        var outcomes = await fx.Get<PushRenewal>().RenewDueAsync(default);

        Assert.True(outcomes.GetValueOrDefault(RenewalOutcome.Renewed) >= 1);
        var watch = Provider.Api.Calls.Last(c => c.Path == "/gmail/v1/users/me/watch" && c.Authorization == "Bearer " + accessToken);
        Assert.Contains(FakeTokenEndpoint.PubSubTopic, watch.Body);
        Assert.Equal(Provider.WatchExpiration.ToUnixTimeMilliseconds(), (await fx.RowAsync(tenant, integration.Id))!.PushExpiresAt!.Value.ToUnixTimeMilliseconds());
    }
}
