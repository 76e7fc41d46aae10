using System.Net;
using System.Text.Json;
using Azure.Core;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;

namespace Spheres.Tests.Inbox;

/// <summary>
/// <c>Idempotency-Key</c> on a human reply: a frontend that retries after a timeout must not send the customer the same text twice
/// (draft-ietf-httpapi-idempotency-key-header). Through DevHost with its queue triggers on, against the fake Telegram and Graph.
/// </summary>
public sealed class IdempotentReplyTests(ReplyFixture fixture) : IClassFixture<ReplyFixture>
{
    private TestHost Host => fixture.Host;

    private Task<HttpResponseMessage> ReplyAsync(TenantSession tenant, string conversationId, string text, params string[] keys)
    {
        var request = tenant.Request(HttpMethod.Post, $"/api/conversations/{conversationId}/messages/", new { text });
        foreach (var key in keys) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return Host.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_retried_reply_with_the_same_key_is_the_same_reply_and_reaches_the_customer_once()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(780_001, 3301);
        var key = Guid.NewGuid().ToString();

        var first = await (await ReplyAsync(tenant, id, "Так, о 10:00", key)).JsonAsync(HttpStatusCode.Accepted);
        // The draft's form is a quoted string; it names the same key.
        var again = await (await ReplyAsync(tenant, id, "Так, о 10:00", $"\"{key}\"")).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal(("outbound", "human", "Так, о 10:00"), (again.GetProperty("direction").GetString(), again.GetProperty("author").GetString(),
            again.GetProperty("text").GetString()));

        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        var send = Assert.Single(fixture.SendsOf(token));
        Assert.Equal("Так, о 10:00", send.Body.GetProperty("text").GetString());
        // Once sent, a third try still finds that reply, now as it is: sent.
        var third = await (await ReplyAsync(tenant, id, "Так, о 10:00", key)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal((first.GetProperty("id").GetString(), "sent"), (third.GetProperty("id").GetString(), third.GetProperty("status").GetString()));

        // The same key for another text: refused, nothing queued or stored.
        var reused = await (await ReplyAsync(tenant, id, "Ні, о 11:00", key)).ProblemAsync((HttpStatusCode)422);
        Assert.EndsWith("/idempotency-key-reused", reused.GetProperty("type").GetString());
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token));
        Assert.Equal(["Так, о 10:00"], await Host.OutboundAsync(tenant, id, "text"));

        // A new key is a new reply; no key at all is one every time.
        var other = await (await ReplyAsync(tenant, id, "Так, о 10:00", Guid.NewGuid().ToString())).JsonAsync(HttpStatusCode.Accepted);
        Assert.NotEqual(first.GetProperty("id").GetString(), other.GetProperty("id").GetString());
        await (await ReplyAsync(tenant, id, "Чекаємо на вас")).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Count() == 3), "both new replies reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        // In either order: the chat's send rate holds one of them back.
        Assert.Equal(["Так, о 10:00", "Так, о 10:00", "Чекаємо на вас"], fixture.SendsOf(token).Select(s => s.Body.GetProperty("text").GetString()).Order());
    }

    [Fact]
    public async Task A_malformed_key_is_a_400_naming_the_header_and_nothing_is_queued()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(780_101, 3302);
        foreach (var keys in new[] { new[] { "\"\"" }, [new string('k', 256)], ["two words"], ["back\\slash"], ["with\ttab"], ["a", "b"] })
        {
            var problem = await (await ReplyAsync(tenant, id, "Добрий день", keys)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), $"[{string.Join(", ", keys)}] names the header");
        }
        await (await ReplyAsync(tenant, id, "Добрий день", new string('k', 255))).JsonAsync(HttpStatusCode.Accepted); // the longest taken

        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the one valid reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token));
        Assert.Equal(["Добрий день"], await Host.OutboundAsync(tenant, id, "text"));
    }

    [Fact]
    public async Task A_reply_that_could_not_be_queued_is_queued_by_its_retry_and_shown_once()
    {
        var (tenant, token, id) = await fixture.TelegramConversationAsync(780_201, 3303);
        var key = Guid.NewGuid().ToString();
        Host.StorageFaults.FailWhen(m => m.Request.Method == RequestMethod.Post
            && m.Request.Uri.Path.EndsWith("/" + TableNames.AutoRepliesQueue + "/messages", StringComparison.Ordinal));
        try
        {
            var failed = await ReplyAsync(tenant, id, "Перепрошую за затримку", key);
            Assert.False(failed.IsSuccessStatusCode, $"{(int)failed.StatusCode} while the queue is away");
        }
        finally
        {
            Host.StorageFaults.Heal();
        }
        var shown = Assert.Single(await Host.ItemsAsync(tenant, id), i => i.GetProperty("direction").GetString() == "outbound");
        Assert.Equal("failed", shown.GetProperty("status").GetString());

        var retried = await (await ReplyAsync(tenant, id, "Перепрошую за затримку", key)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal((shown.GetProperty("id").GetString(), "pending"), (retried.GetProperty("id").GetString(), retried.GetProperty("status").GetString()));
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.SendsOf(token).Any()), "the retried reply reached Telegram");
        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.SendsOf(token));
        var items = await Host.ItemsAsync(tenant, id);
        Assert.Equal(["inbound:", "outbound:sent"], items.Select(i => $"{i.GetProperty("direction").GetString()}:{i.GetProperty("status").GetString()}"));
        Assert.Equal("human", (await Host.GetJsonAsync(tenant, $"/api/conversations/{id}/")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_retry_after_Metas_window_closed_still_finds_its_reply_and_a_new_reply_is_a_409()
    {
        var pageId = ReplyFixture.NewAccountId();
        var (tenant, _, _) = await fixture.ActiveMetaAsync("facebook-messenger", "page_id", pageId, "page_access_token");
        await fixture.MessengerAsync(pageId, "5551234567890123", "Hi, do you have a slot today?");
        var id = Assert.Single(await Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        var key = Guid.NewGuid().ToString();
        var first = await (await ReplyAsync(tenant, id, "Yes, at 5 pm", key)).JsonAsync(HttpStatusCode.Accepted);
        await ReplyFixture.UntilAsync(() => Task.FromResult(fixture.Graph.Sends.Any(s => s.Account == pageId)), "the reply reached Messenger");

        fixture.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        tenant = await Host.SignInAgainAsync(tenant);
        var again = await (await ReplyAsync(tenant, id, "Yes, at 5 pm", key)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        await (await ReplyAsync(tenant, id, "Yes, at 5 pm", Guid.NewGuid().ToString())).ProblemAsync(HttpStatusCode.Conflict);

        await fixture.IdleAsync(TableNames.AutoRepliesQueue);
        Assert.Single(fixture.Graph.Sends, s => s.Account == pageId);
    }
}
