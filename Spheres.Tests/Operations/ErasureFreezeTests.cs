using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Connections;
using Spheres.Core.Operations;
using Spheres.Core.Storage;
using Spheres.Functions.Accounts;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Operations;

/// <summary>
/// From the erasure's 202 the tenant is frozen: its sessions end (refresh at once, access tokens at once for writes and within
/// a minute for reads), on every instance, and nothing written by a request already under way outlives the erasure.
/// </summary>
public sealed class ErasureFreezeTests : IAsyncLifetime
{
    private readonly WebhookFixture _fx = new();
    private string Storage => _fx.Azurite.ConnectionString;

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    [Fact]
    public async Task From_the_202_refresh_is_refused_and_no_instance_accepts_a_write_of_the_tenant()
    {
        var (tenant, id, _, _) = await _fx.ActiveTelegramAsync(plan: "starter");
        var login = await (await _fx.Host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password })).JsonAsync();
        var session = tenant with { AccessToken = login.GetProperty("access_token").GetString()! };
        var refreshToken = login.GetProperty("refresh_token").GetString()!;
        await using var other = await _fx.SecondInstanceAsync();
        await other.GetJsonAsync(session, "/api/accounts/profile/"); // that instance has the session cached as live

        var erase = await _fx.Host.Client.SendAsync(session.Request(HttpMethod.Delete, "/api/accounts/", new { password = tenant.Password }));
        Assert.Equal(HttpStatusCode.Accepted, erase.StatusCode);

        foreach (var host in new[] { _fx.Host, other })
        {
            await (await host.Client.PostAsJsonAsync("/api/accounts/token/refresh/", new { refresh_token = refreshToken })).ProblemAsync(HttpStatusCode.Unauthorized);
            var newBot = SecretSentinel.NewTelegramToken();
            await (await host.Client.SendAsync(session.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{id}/", new { credentials = new { bot_token = newBot } })))
                .ProblemAsync(HttpStatusCode.Unauthorized);
            await (await host.PostActionAsync(session, id, "activate")).ProblemAsync(HttpStatusCode.Unauthorized);
            await (await host.Client.SendAsync(session.Request(HttpMethod.Post, IntegrationsApi.Base, new { integration_type_slug = "telegram" })))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }
        await (await _fx.Host.Client.SendAsync(session.Request(HttpMethod.Get, "/api/accounts/profile/"))).ProblemAsync(HttpStatusCode.Unauthorized);
        // A read on an instance that had the session cached: refused once its short cache lapses, well within the minute.
        _fx.Clock.Advance(SessionCheck.CacheLifetime + TimeSpan.FromSeconds(1));
        await (await other.Client.SendAsync(session.Request(HttpMethod.Get, "/api/accounts/profile/"))).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Single(_fx.Telegram.CallsOf("setWebhook")); // only the activation before the erasure
    }

    [Fact]
    public async Task A_bot_a_request_under_way_at_the_202_activates_is_unhooked_and_its_route_erased()
    {
        var (tenant, id, _, _) = await _fx.ActiveTelegramAsync(plan: "starter");
        await (await _fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = tenant.Password }))).EnsureSuccessStatusCodeAsync();
        var message = (await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!;
        await RunAsync(message);

        // A request that passed its session check just before the freeze lands now: it saves a new bot token and sets its webhook.
        var caller = new Caller(tenant.TenantId, tenant.UserId);
        var newBot = SecretSentinel.NewTelegramToken();
        await _fx.Host.Services.GetRequiredService<ChangeIntegration>().ReplaceAsync(caller, id,
            new IntegrationInput(null, null, null, new System.Text.Json.Nodes.JsonObject { ["bot_token"] = newBot }), null, CancellationToken.None);
        await _fx.Host.Services.GetRequiredService<ActivateIntegration>().ActivateAsync(caller, id, CancellationToken.None);
        Assert.Contains(_fx.Telegram.CallsOf("setWebhook"), c => c.Token == newBot);

        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        await RunAsync(message);
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await RunAsync(message);

        Assert.Contains(_fx.Telegram.CallsOf("deleteWebhook"), c => c.Token == newBot);
        Assert.Empty(await AzuriteContents.RowsOfTenantAsync(Storage, tenant.TenantId));
    }

    [Fact]
    public async Task The_erased_emails_sign_in_counters_go_with_it()
    {
        var (tenant, _, _, _) = await _fx.ActiveTelegramAsync(plan: "starter");
        await (await _fx.Host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = "a wrong guess" })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.NotEmpty(await AttemptRowsAsync(tenant.Email));

        await (await _fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, "/api/accounts/", new { password = tenant.Password }))).EnsureSuccessStatusCodeAsync();
        var message = (await AzuriteContents.TakeMessageAsync(Storage, TableNames.AccountErasureQueue))!;
        await RunAsync(message);
        _fx.Clock.Advance(ErasureSteps.LastWriteHorizon);
        await RunAsync(message);
        _fx.Clock.Advance(TimeSpan.FromSeconds(25));
        await RunAsync(message);

        Assert.Empty(await AttemptRowsAsync(tenant.Email));
    }

    private async Task<List<TableEntity>> AttemptRowsAsync(string email)
    {
        var table = new TableClient(Storage, TableNames.LoginAttempts);
        return await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AccountStore.EmailKey(email)}")).ToListAsync();
    }

    private Task RunAsync(string message) =>
        ActivatorUtilities.CreateInstance<AccountErasureFunctions>(_fx.Host.Services).Run(QueueTriggers.Delivered(message), CancellationToken.None);
}
