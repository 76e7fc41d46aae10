using System.Net;
using System.Net.Http.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Core.Operations;
using Spheres.Functions.Accounts;
using Spheres.Tests.Inbox;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.Operations;

/// <summary>
/// <c>DELETE /api/accounts/</c> and the queue-driven erasure it starts. Each test has its own Azurite and fake
/// Telegram; what is left is read from Azurite's tables and queues directly. The queue function is invoked with
/// the real message taken from Azurite, as the Functions host would deliver it.
/// </summary>
public sealed class AccountErasureTests : IAsyncLifetime
{
    private readonly WebhookFixture _fx = new();
    private string Storage => _fx.Azurite.ConnectionString;

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    private sealed record Owner(TenantSession Tenant, string BotToken);

    [Fact]
    public async Task An_erased_account_leaves_nothing_its_bot_is_unhooked_and_its_email_registers_again()
    {
        var owner = await TenantWithDataAsync();
        var bystander = await TenantWithDataAsync();
        var bystanderRows = await AzuriteContents.RowsOfTenantAsync(Storage, bystander.Tenant.TenantId);
        var bystanderMessages = await AzuriteContents.QueueMessagesOfTenantAsync(Storage, bystander.Tenant.TenantId, bystander.Tenant.Email);
        Assert.Contains(await AzuriteContents.QueueMessagesOfTenantAsync(Storage, owner.Tenant.TenantId, owner.Tenant.Email),
            m => m.StartsWith(TableNames.PasswordResetMailQueue + "-poison: ", StringComparison.Ordinal));
        Assert.Contains(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId),
            row => row.StartsWith($"{TableNames.Messages}/{owner.Tenant.TenantId}/c-", StringComparison.Ordinal)); // the inbox goes too
        Assert.Contains(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId),
            row => row.StartsWith(TableNames.Replies + "/", StringComparison.Ordinal)); // with the owner's own reply

        var accepted = await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        // Sign-in stops at once, and the email is not free before the erasure is done.
        await (await LoginAsync(owner.Tenant)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await RegisterAgainAsync(owner.Tenant.Email)).ProblemAsync(HttpStatusCode.Conflict);
        var lookup = await _fx.Host.Client.SendAsync(_fx.Host.AdminRequest(HttpMethod.Get, $"/api/admin/tenants/?email={Uri.EscapeDataString(owner.Tenant.Email)}"));
        Assert.Contains("being erased", (await lookup.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString());

        var message = await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue);
        Assert.Equal(owner.Tenant.TenantId, AzuriteContents.Parse(message!).GetProperty("tenant_id").GetString());

        // The freeze, then a wait for requests that were already writing; queued to go on after that.
        await RunErasureAsync(message!);
        Assert.Contains(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId), row => row.StartsWith("WebhookRoutes/", StringComparison.Ordinal));
        Assert.DoesNotContain(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == owner.BotToken);
        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        // The routes go, then the erasure waits until no instance can still have them cached, queued to go on after that.
        await RunErasureAsync(message!);
        Assert.Contains(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId), row => row.StartsWith("Messages/", StringComparison.Ordinal));
        Assert.DoesNotContain(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId), row => row.StartsWith("WebhookRoutes/", StringComparison.Ordinal));
        var queue = new Azure.Storage.Queues.QueueClient(Storage, TableNames.AccountErasureQueue);
        Assert.Equal(2, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount); // one per wait
        Assert.Empty((await queue.PeekMessagesAsync()).Value); // not visible before the wait is over
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await RunErasureAsync(message!);

        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId));
        Assert.Empty(await AzuriteContents.QueueMessagesOfTenantAsync(Storage, owner.Tenant.TenantId, owner.Tenant.Email));
        Assert.Single(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == owner.BotToken);
        Assert.Equal(bystanderRows.Order(), (await AzuriteContents.RowsOfTenantAsync(Storage, bystander.Tenant.TenantId)).Order());
        Assert.Equal(bystanderMessages.Order(), (await AzuriteContents.QueueMessagesOfTenantAsync(Storage, bystander.Tenant.TenantId, bystander.Tenant.Email)).Order());
        Assert.DoesNotContain(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == bystander.BotToken);

        await RunErasureAsync(message!); // a redelivered message finds nothing to do and changes nothing
        Assert.Single(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == owner.BotToken);

        await (await LoginAsync(owner.Tenant)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await RegisterAgainAsync(owner.Tenant.Email)).JsonAsync(HttpStatusCode.Created);
        await (await LoginAsync(owner.Tenant)).JsonAsync();
    }

    [Theory]
    [InlineData("a batch of row deletes")]
    [InlineData("deleting a queue message")]
    [InlineData("saving the job's progress")]
    [InlineData("freeing the email")]
    [InlineData("deleting a secret")]
    public async Task A_crash_half_way_finishes_on_retry(string crashPoint)
    {
        var owner = await TenantWithDataAsync();
        await (await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password })))
            .EnsureSuccessStatusCodeAsync();
        var message = (await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!;

        var seen = 0;
        Func<HttpMessage, bool> crashes = crashPoint switch
        {
            "a batch of row deletes" => m => StorageFaults.IsTableBatch(m) && Interlocked.Increment(ref seen) == 3,
            "deleting a queue message" => m => m.Request.Method == RequestMethod.Delete && m.Request.Uri.Path.Contains("/messages/", StringComparison.Ordinal),
            "saving the job's progress" => m => m.Request.Method == RequestMethod.Patch && StorageFaults.IsTable(m, TableNames.AccountErasures)
                                               && Interlocked.Increment(ref seen) == 4,
            "freeing the email" => m => m.Request.Method == RequestMethod.Delete && StorageFaults.IsTable(m, TableNames.EmailIndex),
            _ => m => m.Request.Method == RequestMethod.Delete && StorageFaults.IsTable(m, TableNames.Credentials),
        };
        _fx.Host.StorageFaults.FailWhen(crashes);
        await Assert.ThrowsAnyAsync<Exception>(() => RunErasureToEndAsync(message));
        _fx.Host.StorageFaults.Heal();

        // Killed half way: the job is remembered and something of the tenant is still there.
        var left = await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId);
        Assert.Contains(left, row => row.StartsWith(TableNames.AccountErasures + "/", StringComparison.Ordinal));
        Assert.True(left.Count > 1, "the crash should have left more than the job row: " + string.Join(", ", left));
        await (await LoginAsync(owner.Tenant)).ProblemAsync(HttpStatusCode.Unauthorized);

        await RunErasureToEndAsync(message); // the queue's redelivery

        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId));
        Assert.Empty(await AzuriteContents.QueueMessagesOfTenantAsync(Storage, owner.Tenant.TenantId));
        Assert.Contains(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == owner.BotToken);
        await (await RegisterAgainAsync(owner.Tenant.Email)).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Google_channels_are_stopped_and_meta_pages_unsubscribed_and_a_provider_outage_is_retried()
    {
        await using var provider = await FakeProviderApi.StartAsync();
        await using var host = await TestHost.StartAsync(Storage, new Dictionary<string, string?>
        {
            [Core.Configuration.SettingNames.GoogleApiBaseUrl] = provider.BaseUrl,
            [Core.Configuration.SettingNames.MetaGraphApiBaseUrl] = provider.BaseUrl + "/v21.0",
        }, s => s.AddSingleton<TimeProvider>(_fx.Clock));
        var tenant = await host.RegisterAsync();
        var googleToken = SecretSentinel.NewSecret("google");
        var pageToken = SecretSentinel.NewSecret("page");
        var calendar = await host.CreateIntegrationAsync(tenant, "google-calendar", new { channel_resource_id = "resource-77" }, new { access_token = googleToken });
        await host.CreateIntegrationAsync(tenant, "facebook-messenger", new { page_id = "1234567890" }, new { page_access_token = pageToken });
        var channelId = (await host.Services.GetRequiredService<Core.Integrations.IntegrationStore>().FindAsync(tenant.TenantId, calendar.Id(), default))!.WebhookKey;
        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }))).EnsureSuccessStatusCodeAsync();
        var message = (await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!;
        var run = () => ActivatorUtilities.CreateInstance<AccountErasureFunctions>(host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);

        provider.Status = 503; // down: the erasure waits and tries again later, nothing is skipped
        await run();
        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        await run();
        var job = await host.Services.GetRequiredService<ErasureJobs>().FindAsync(tenant.TenantId, default);
        Assert.Equal(1, job!.CompletedSteps); // frozen; the providers step is still to do
        var queue = new Azure.Storage.Queues.QueueClient(Storage, TableNames.AccountErasureQueue);
        Assert.Equal(2, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount); // the freeze's wait and the retry, not yet visible
        Assert.Empty((await queue.PeekMessagesAsync()).Value);

        provider.Status = 200;
        await run();
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await run();

        var stop = provider.Calls.Last(c => c.Path == "/calendar/v3/channels/stop");
        Assert.Equal("POST", stop.Method);
        Assert.Equal("Bearer " + googleToken, stop.Authorization);
        var channel = AzuriteContents.Parse(stop.Body);
        Assert.Equal(channelId, channel.GetProperty("id").GetString());
        Assert.Equal("resource-77", channel.GetProperty("resourceId").GetString());
        // Never activated: nothing remembers a subscription, so the page the token acts for is the one to unsubscribe.
        var unsubscribe = provider.Calls.Last(c => c.Path == "/v21.0/me/subscribed_apps");
        Assert.Equal("DELETE", unsubscribe.Method);
        Assert.Equal("Bearer " + pageToken, unsubscribe.Authorization);
        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, tenant.TenantId));
    }

    [Fact]
    public async Task After_a_day_of_a_provider_outage_the_data_is_erased_anyway()
    {
        await using var provider = await FakeProviderApi.StartAsync();
        provider.Status = 503;
        await using var host = await TestHost.StartAsync(Storage, new Dictionary<string, string?>
        {
            [Core.Configuration.SettingNames.MetaGraphApiBaseUrl] = provider.BaseUrl,
        }, s => s.AddSingleton<TimeProvider>(_fx.Clock));
        var tenant = await host.RegisterAsync();
        await host.CreateIntegrationAsync(tenant, "facebook-messenger", new { page_id = "42" }, new { page_access_token = SecretSentinel.NewSecret("page") });
        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }))).EnsureSuccessStatusCodeAsync();
        var message = (await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!;
        var run = () => ActivatorUtilities.CreateInstance<AccountErasureFunctions>(host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);

        await run();
        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        await run();
        _fx.Clock.Advance(TimeSpan.FromHours(23));
        await run();
        Assert.NotEmpty(await AzuriteContents.RowsOfTenantAsync(Storage, tenant.TenantId)); // still waiting for Meta

        _fx.Clock.Advance(TimeSpan.FromHours(2));
        await run();
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await run();

        Assert.Equal(3, provider.Calls.Count);
        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, tenant.TenantId));
    }

    [Fact]
    public async Task A_wrong_or_missing_password_erases_nothing()
    {
        var owner = await TenantWithDataAsync();
        var rows = await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId);

        var wrong = await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = "not the password" }));
        Assert.Contains("password", (await wrong.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        var missing = await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { }));
        await missing.ProblemAsync(HttpStatusCode.BadRequest);
        var anonymous = await _fx.Host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/accounts/") { Content = JsonContent.Create(new { password = Tenants.Password }) });
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(rows.Order(), (await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId)).Order());
        Assert.Equal(0, await AzuriteContents.QueueLengthAsync(Storage, TableNames.AccountErasureQueue));
        await (await LoginAsync(owner.Tenant)).JsonAsync();
    }

    [Fact]
    public async Task A_request_that_cannot_queue_the_erasure_changes_nothing_and_can_be_repeated()
    {
        var owner = await TenantWithDataAsync();
        var rows = await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId);
        _fx.Host.StorageFaults.FailWhen(m => m.Request.Method == RequestMethod.Post && m.Request.Uri.Path.EndsWith("/" + TableNames.AccountErasureQueue + "/messages", StringComparison.Ordinal));

        var failed = await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }));
        await failed.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        _fx.Host.StorageFaults.Heal();
        Assert.True(_fx.Host.StorageFaults.Injected > 0);
        Assert.Equal(rows.Order(), (await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId)).Order()); // no job row left either
        await (await LoginAsync(owner.Tenant)).JsonAsync();

        var repeated = await _fx.Host.Client.SendAsync(owner.Tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = Tenants.Password }));
        Assert.Equal(HttpStatusCode.Accepted, repeated.StatusCode);
        await RunErasureToEndAsync((await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!);
        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, owner.Tenant.TenantId));
    }

    /// <summary>A tenant with an active bot, a week of working hours, and messages stored and queued.</summary>
    private async Task<Owner> TenantWithDataAsync()
    {
        var (tenant, id, url, secret) = await _fx.ActiveTelegramAsync(plan: "starter");
        var token = _fx.Telegram.CallsOf("setWebhook").Last(c => c.Body.GetProperty("url").GetString() == url).Token;
        await _fx.Host.SetWeekAsync(tenant, id, [.. Enumerable.Range(0, 7).Select(day => Row(day, "00:00", "23:59"))]);
        for (var i = 1; i <= 3; i++)
        {
            var update = Deliveries.TelegramUpdate(Random.Shared.NextInt64(1, 1_000_000_000), 4242, $"Привіт {i}", _fx.Clock.GetUtcNow());
            await WebhookFixture.OkAsync(await _fx.Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));
        }
        // The owner answered the customer from the inbox: a human reply row, and its message waiting in auto-replies.
        var conversation = Assert.Single(await _fx.Host.ConversationsAsync(tenant)).GetProperty("id").GetString()!;
        await (await _fx.Host.ReplyAsync(tenant, conversation, new { text = "Вітаю! Чим допомогти?" })).JsonAsync(HttpStatusCode.Accepted);
        // A second reply whose request stopped before queueing it: its note in the global UnqueuedReplies names the tenant.
        await _fx.Host.Services.GetRequiredService<Spheres.Core.Inbox.UnqueuedReplies>().NoteAsync(
            new Spheres.Core.Inbox.UnqueuedReply(tenant.TenantId, conversation, "h" + Guid.NewGuid().ToString("N")[..23], _fx.Clock.GetUtcNow()), default);
        // A reset mail that could not be sent (an SMTP outage) waits in the poison queue, naming only the email's key.
        var poison = QueueTriggers.Queue(Storage, TableNames.PasswordResetMailQueue + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(BinaryData.FromObjectAsJson(new Spheres.Core.Accounts.PasswordResetMailRequest(
            Guid.NewGuid().ToString("N"), Spheres.Core.Accounts.AccountStore.EmailKey(tenant.Email.ToLowerInvariant()))));
        return new Owner(tenant, token);
    }

    private Task RunErasureAsync(string message) =>
        ActivatorUtilities.CreateInstance<AccountErasureFunctions>(_fx.Host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);

    /// <summary>Runs the erasure, lets the waits (for writes under way, for other instances' caches) pass, and runs it again, as the delayed messages would.</summary>
    private async Task RunErasureToEndAsync(string message)
    {
        await RunErasureAsync(message);
        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        await RunErasureAsync(message);
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await RunErasureAsync(message);
    }

    private Task<HttpResponseMessage> LoginAsync(TenantSession tenant) =>
        _fx.Host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password });

    private Task<HttpResponseMessage> RegisterAgainAsync(string email) =>
        _fx.Host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = Tenants.Password, name = "Olena", business_name = "New salon", sphere_slug = "beauty",
        });
}

internal static class ResponseChecks
{
    public static async Task EnsureSuccessStatusCodeAsync(this HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
