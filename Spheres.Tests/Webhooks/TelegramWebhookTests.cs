using System.Net;
using System.Text;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Webhooks;

public sealed class TelegramWebhookTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;
    private static long _updateIds = Random.Shared.NextInt64(100_000_000, 900_000_000);

    private static long NextUpdateId() => Interlocked.Increment(ref _updateIds);

    [Fact]
    public async Task A_verified_message_is_stored_counted_and_handed_to_the_agent_with_ukrainian_text_intact()
    {
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync();
        const string text = "Добрий вечір! Чи можна записатися на манікюр у п’ятницю о 18:30? 💅";
        var updateId = NextUpdateId();

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(updateId, 777001, text, fixture.Clock.GetUtcNow()))));

        var message = Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal("agent", message.GetProperty("decision").GetString());
        Assert.Equal(text, message.GetProperty("text").GetString());
        Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(message.GetProperty("text").GetString()!));
        Assert.Equal("telegram", message.GetProperty("provider").GetString());
        Assert.Equal($"777001:{updateId % 100_000 + 1}", message.GetProperty("external_id").GetString()); // chat and message id
        Assert.Equal("777001", message.GetProperty("sender").GetString());
        Assert.Equal(integrationId, message.GetProperty("integration").GetInt32());
        Assert.Equal(1, await fixture.UsageAsync(tenant));

        var queued = Assert.Single(await fixture.DrainAsync(TableNames.AgentRequestsQueue));
        Assert.Equal(tenant.TenantId, queued.GetProperty("tenant_id").GetString());
        Assert.Equal(integrationId, queued.GetProperty("integration_id").GetInt32());
        Assert.Equal(message.GetProperty("id").GetString(), queued.GetProperty("message_id").GetString());
        Assert.Equal("777001", queued.GetProperty("sender").GetString());
        Assert.Equal(text, queued.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_secret_is_401_and_writes_nothing(string? secret)
    {
        var (tenant, _, url, _) = await fixture.ActiveTelegramAsync();
        var response = await Host.Client.SendAsync(Deliveries.Telegram(url, secret, Deliveries.TelegramUpdate(NextUpdateId(), 1, "hi", fixture.Clock.GetUtcNow())));
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_webhook_key_is_401()
    {
        var (_, _, _, secret) = await fixture.ActiveTelegramAsync();
        var response = await Host.Client.SendAsync(Deliveries.Telegram("https://x/api/webhooks/telegram/not-a-key/", secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 1, "hi", fixture.Clock.GetUtcNow())));
        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Malformed_json_behind_a_valid_secret_is_400_and_writes_nothing()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).AbsolutePath) { Content = new StringContent("{\"update_id\": 12, \"message\": ", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        await (await Host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(0, await fixture.UsageAsync(tenant));
    }

    [Fact]
    public async Task A_body_over_4_mb_is_413()
    {
        var (_, _, url, secret) = await fixture.ActiveTelegramAsync();
        var response = await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 1, new string('a', 4 * 1024 * 1024 + 1), fixture.Clock.GetUtcNow())));
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Sixteen_copies_of_one_update_at_once_are_stored_counted_and_queued_once()
    {
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var update = Deliveries.TelegramUpdate(NextUpdateId(), 4242, "Скільки коштує стрижка?", fixture.Clock.GetUtcNow());
        await using var other = await fixture.SecondInstanceAsync();
        // Eight copies to each of two instances; both instances' first stores meet before either commits.
        using var race = Host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2).AlsoOn(other.StorageFaults);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            WebhookFixture.DeliverWithRetriesAsync(i % 2 == 0 ? Host : other, url, secret, update)));

        Assert.True(race.Happened, "the two instances never stored at the same time");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal(1, await fixture.UsageAsync(tenant));
        Assert.Single(await fixture.DrainAsync(TableNames.AgentRequestsQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
    }

    [Fact]
    public async Task Forty_distinct_messages_at_once_count_exactly_forty()
    {
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        await using var other = await fixture.SecondInstanceAsync();
        // Twenty to each of two instances: their counter increments collide in storage, not only in one process.
        using var race = Host.StorageFaults.HoldUntilTogether(StorageFaults.IsTableBatch, 2).AlsoOn(other.StorageFaults);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => WebhookFixture.DeliverWithRetriesAsync(i % 2 == 0 ? Host : other, url, secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 5000 + i, $"Повідомлення {i}", fixture.Clock.GetUtcNow()))));

        Assert.True(race.Happened, "the two instances never stored at the same time");
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(40, await fixture.UsageAsync(tenant));
        Assert.Equal(40, (await fixture.MessagesAsync(tenant, "?limit=100")).GetProperty("results").GetArrayLength());
        Assert.Equal(40, (await fixture.DrainAsync(TableNames.AgentRequestsQueue)).Count(m => m.GetProperty("tenant_id").GetString() == tenant.TenantId));
    }

    [Fact]
    public async Task The_101st_message_of_a_free_tenant_is_quota_exceeded_with_a_person_will_answer_reply()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(country: "PL");
        for (var batch = 0; batch < 4; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 25).Select(i => Host.Client.SendAsync(Deliveries.Telegram(url, secret,
                Deliveries.TelegramUpdate(NextUpdateId(), 9000 + i, "hello", fixture.Clock.GetUtcNow())))));
        }
        Assert.Equal(100, await fixture.UsageAsync(tenant));
        await fixture.DrainAsync(TableNames.AutoRepliesQueue);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 9101, "the 101st", fixture.Clock.GetUtcNow().AddSeconds(1)))));

        var newest = (await fixture.MessagesAsync(tenant, "?limit=1")).GetProperty("results")[0];
        Assert.Equal("the 101st", newest.GetProperty("text").GetString());
        Assert.Equal("quota_exceeded", newest.GetProperty("decision").GetString());
        Assert.Equal(100, await fixture.UsageAsync(tenant)); // not counted
        var reply = Assert.Single(await fixture.DrainAsync(TableNames.AutoRepliesQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
        Assert.Equal("quota_exceeded", reply.GetProperty("decision").GetString());
        Assert.Contains("Olena's Salon", reply.GetProperty("reply_text").GetString());
    }

    [Fact]
    public async Task A_message_to_an_inactive_integration_is_stored_as_inactive_and_queued_nowhere()
    {
        var (tenant, integrationId, url, secret) = await fixture.ActiveTelegramAsync();
        await (await Host.PostActionAsync(tenant, integrationId, "deactivate")).JsonAsync();
        await fixture.DrainAsync(TableNames.AgentRequestsQueue);
        await fixture.DrainAsync(TableNames.AutoRepliesQueue);

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(NextUpdateId(), 31, "are you there?", fixture.Clock.GetUtcNow()))));

        var message = Assert.Single((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
        Assert.Equal("inactive", message.GetProperty("decision").GetString());
        Assert.Equal(0, await fixture.UsageAsync(tenant));
        Assert.DoesNotContain(await fixture.DrainAsync(TableNames.AgentRequestsQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
        Assert.DoesNotContain(await fixture.DrainAsync(TableNames.AutoRepliesQueue), m => m.GetProperty("tenant_id").GetString() == tenant.TenantId);
    }

    [Fact]
    public async Task Updates_that_are_not_customer_messages_are_acknowledged_and_not_stored()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync();
        var edit = new { update_id = NextUpdateId(), edited_message = new { message_id = 1, date = 1, chat = new { id = 1 }, text = "edit" } };
        var ack = await (await Host.Client.SendAsync(Deliveries.Telegram(url, secret, edit))).JsonAsync();
        Assert.Equal(0, ack.GetProperty("stored").GetInt32());
        Assert.Empty((await fixture.MessagesAsync(tenant)).GetProperty("results").EnumerateArray());
    }

    /// <summary>Only a plan with analytics queues messages for embedding: one more send.</summary>
    [Theory]
    [InlineData("free", 3)]
    [InlineData("professional", 4)]
    public async Task A_warm_delivery_costs_three_storage_round_trips_and_a_fourth_with_analytics(string plan, int expected)
    {
        var (_, _, url, secret) = await fixture.ActiveTelegramAsync(plan: plan);
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, Deliveries.TelegramUpdate(NextUpdateId(), 1, "warm-up", fixture.Clock.GetUtcNow()))));
        Host.StorageRequests.Reset();

        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret, Deliveries.TelegramUpdate(NextUpdateId(), 1, "measured", fixture.Clock.GetUtcNow()))));

        // One transaction: the message, its identity row, the month's counter and the conversation with its timeline row (the
        // counter and the conversation this instance wrote last are known with their ETags); the embeddings queue send
        // (professional only); the agent queue send; mark enqueued.
        Assert.Equal(expected, Host.StorageRequests.Count);
    }
}
