using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>Refresh tokens: rotated on every use, a reused one ends its session, logout and a password change end sessions.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private const string Refresh = "/api/accounts/token/refresh/";
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Each_refresh_spends_the_token_and_a_reused_one_revokes_the_whole_session()
    {
        var tenant = await _host.RegisterAsync();
        var first = await LoginAsync(tenant, tenant.Password);

        var second = await (await RefreshAsync(first.RefreshToken)).JsonAsync();
        var secondToken = second.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first.RefreshToken, secondToken);
        Assert.Equal(900, second.GetProperty("expires_in").GetInt32());
        await _host.GetJsonAsync(tenant with { AccessToken = second.GetProperty("access_token").GetString()! }, "/api/accounts/profile/");
        var third = (await (await RefreshAsync(secondToken)).JsonAsync()).GetProperty("refresh_token").GetString()!;

        // The first token comes back (stolen and replayed): refused, and every token of that sign-in dies with it.
        var replay = await RefreshAsync(first.RefreshToken);
        await replay.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", replay.Headers.WwwAuthenticate.Single().Scheme);
        await (await RefreshAsync(third)).ProblemAsync(HttpStatusCode.Unauthorized);

        // Another sign-in is another session, untouched.
        var other = await LoginAsync(tenant, tenant.Password);
        await (await RefreshAsync(other.RefreshToken)).JsonAsync();
    }

    [Fact]
    public async Task Two_uses_of_one_refresh_token_at_once_give_at_most_one_new_pair_and_end_the_session()
    {
        var tenant = await _host.RegisterAsync();
        var session = await LoginAsync(tenant, tenant.Password);

        var answers = await Task.WhenAll(RefreshAsync(session.RefreshToken), RefreshAsync(session.RefreshToken));

        // A reuse ends the session: one of them may have won a pair first, but never both, and that pair is dead too.
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Unauthorized);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));
        foreach (var winner in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            var next = (await winner.JsonAsync()).GetProperty("refresh_token").GetString()!;
            await (await RefreshAsync(next)).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [InlineData("""{"refresh_token":"not-a-token"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"refresh_token":"0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"refresh_token":"../../Tenants.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{}""", HttpStatusCode.BadRequest)]
    public async Task A_malformed_unknown_or_missing_refresh_token_is_refused_with_a_problem(string json, HttpStatusCode expected)
    {
        var response = await _host.Client.PostAsync(Refresh, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.ProblemAsync(expected);
    }

    [Fact]
    public async Task Logout_ends_the_session_of_its_refresh_token_only()
    {
        var tenant = await _host.RegisterAsync();
        var phone = await LoginAsync(tenant, tenant.Password);
        var laptop = await LoginAsync(tenant, tenant.Password);

        var logout = await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/accounts/logout/", new { refresh_token = phone.RefreshToken }));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        await (await RefreshAsync(phone.RefreshToken)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await RefreshAsync(laptop.RefreshToken)).JsonAsync();
        var anonymous = await _host.Client.PostAsJsonAsync("/api/accounts/logout/", new { refresh_token = laptop.RefreshToken });
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_password_change_keeps_this_session_and_ends_the_others()
    {
        var tenant = await _host.RegisterAsync();
        var here = await LoginAsync(tenant, tenant.Password);
        var elsewhere = await LoginAsync(tenant, tenant.Password);
        var caller = tenant with { AccessToken = here.AccessToken };

        var wrong = await _host.Client.SendAsync(caller.Request(HttpMethod.Post, "/api/accounts/password/",
            new { current_password = "not my password", new_password = "a new long password" }));
        Assert.Equal(["current_password"], (await wrong.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        // A refresh after the failed change still works: nothing was revoked.
        var renewed = await (await RefreshAsync(elsewhere.RefreshToken)).JsonAsync();
        elsewhere = elsewhere with { RefreshToken = renewed.GetProperty("refresh_token").GetString()! };

        var changed = await _host.Client.SendAsync(caller.Request(HttpMethod.Post, "/api/accounts/password/",
            new { current_password = tenant.Password, new_password = "a new long password" }));
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        await (await RefreshAsync(here.RefreshToken)).JsonAsync();
        await (await RefreshAsync(elsewhere.RefreshToken)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginResponseAsync(tenant, tenant.Password)).ProblemAsync(HttpStatusCode.Unauthorized);
        await LoginAsync(tenant, "a new long password");
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_only_as_hashes()
    {
        var tenant = await _host.RegisterAsync();
        var session = await LoginAsync(tenant, tenant.Password);
        var secret = session.RefreshToken.Split('.')[1];

        var table = await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Tenants, default);
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == tenant.TenantId).ToListAsync();
        Assert.Contains(rows, r => r.RowKey.StartsWith("refresh-", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.RowKey.Contains(secret) || r.Any(p => p.Value?.ToString()?.Contains(secret) == true));
    }

    [Fact]
    public async Task Expired_tokens_are_purged_and_live_ones_kept()
    {
        // Its own Azurite: a purge "31 days later" must not touch the tokens of tests running beside it.
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString);
        var tenant = await host.RegisterAsync();
        var login = await (await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password })).JsonAsync();
        var refreshed = await host.Client.PostAsJsonAsync(Refresh, new { refresh_token = login.GetProperty("refresh_token").GetString() });
        await refreshed.JsonAsync(); // the login's token is now spent, its successor live
        var store = host.Services.GetRequiredService<Spheres.Core.Accounts.Sessions.SessionStore>();
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Tenants, default);
        async Task<int> TokenRowsAsync() =>
            (await table.QueryAsync<TableEntity>(e => e.PartitionKey == tenant.TenantId).ToListAsync()).Count(r => r.RowKey.StartsWith("refresh-", StringComparison.Ordinal));
        var before = await TokenRowsAsync();
        Assert.Equal(3, before); // registration's, the login's spent one, its successor

        await store.PurgeExpiredAsync(DateTimeOffset.UtcNow, 1000, default);
        Assert.Equal(before, await TokenRowsAsync()); // nothing has expired yet

        await store.PurgeExpiredAsync(DateTimeOffset.UtcNow + Spheres.Core.Accounts.Sessions.SessionService.RefreshLifetime + TimeSpan.FromMinutes(1), 100_000, default);
        Assert.Equal(0, await TokenRowsAsync());
    }

    private sealed record Pair(string AccessToken, string RefreshToken);

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) => _host.Client.PostAsJsonAsync(Refresh, new { refresh_token = refreshToken });

    private Task<HttpResponseMessage> LoginResponseAsync(TenantSession tenant, string password) =>
        _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password });

    private async Task<Pair> LoginAsync(TenantSession tenant, string password)
    {
        var body = await (await LoginResponseAsync(tenant, password)).JsonAsync();
        return new Pair(body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }
}
