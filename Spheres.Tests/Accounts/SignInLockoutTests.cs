using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Accounts;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Functions.Accounts;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>
/// Strangers' wrong passwords must not lock the owner out: the lock is per email and client address, the email's own
/// ceiling slows rather than locks, an address that signed in before is not slowed, and a signed-in owner's password
/// change and erasure count per session.
/// </summary>
public sealed class SignInLockoutTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    // Behind Azure's front end, the address is the last X-Forwarded-For entry.
    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(
        new Dictionary<string, string?> { [SettingNames.RateLimitTrustForwardedFor] = "true" }, s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> LoginAsync(string email, string password, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/accounts/login/") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return _host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Twenty_wrong_passwords_from_a_stranger_lock_out_the_stranger_not_the_owner()
    {
        var tenant = await _host.RegisterAsync();
        await (await LoginAsync(tenant.Email, tenant.Password, "198.51.100.10")).JsonAsync(); // the owner's device signs in

        var attack = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++) attack.Add((await LoginAsync(tenant.Email, "attacker-guess", "203.0.113.66")).StatusCode);

        Assert.Equal(LoginThrottle.MaxAttempts, attack.Count(s => s == HttpStatusCode.Unauthorized)); // five guesses checked, no more
        Assert.All(attack.Skip(LoginThrottle.MaxAttempts), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        await (await LoginAsync(tenant.Email, tenant.Password, "198.51.100.10")).JsonAsync();
        await (await LoginAsync(tenant.Email, tenant.Password, "203.0.113.66")).ProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_locked_email_does_not_block_the_signed_in_owners_password_change_or_erasure_checks()
    {
        var tenant = await _host.RegisterAsync();
        for (var i = 0; i < 20; i++) await LoginAsync(tenant.Email, "attacker-guess", "203.0.113.67");

        var changed = await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/accounts/password/",
            new { current_password = tenant.Password, new_password = "a brand new password" }));
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        // A stolen access token still gets no more guesses than an address does.
        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            guesses.Add((await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/accounts/password/",
                new { current_password = "guess " + i, new_password = "whatever password" }))).StatusCode);
        }
        Assert.Equal(LoginThrottle.MaxAttempts, guesses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.All(guesses.Skip(LoginThrottle.MaxAttempts), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }

    [Fact]
    public async Task Past_the_emails_ceiling_new_addresses_are_slowed_not_locked_and_known_ones_pass()
    {
        var tenant = await _host.RegisterAsync();
        await (await LoginAsync(tenant.Email, tenant.Password, "198.51.100.20")).JsonAsync();
        // The owner's sign-in from a new address was one of the email's checks; a botnet makes the rest, one guess per address.
        for (var i = 0; i < LoginThrottle.MaxAttemptsPerEmail - 1; i++)
            await (await LoginAsync(tenant.Email, "botnet-guess", $"203.0.113.{i + 1}")).ProblemAsync(HttpStatusCode.Unauthorized);

        var slowed = await LoginAsync(tenant.Email, tenant.Password, "192.0.2.1");
        await slowed.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(slowed.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), LoginThrottle.SlowInterval);
        await (await LoginAsync(tenant.Email, tenant.Password, "198.51.100.20")).JsonAsync(); // the owner's known address is not slowed

        _clock.Advance(LoginThrottle.SlowInterval);
        await (await LoginAsync(tenant.Email, tenant.Password, "192.0.2.1")).JsonAsync(); // slowed, never locked
    }

    [Fact]
    public async Task Counters_are_purged_after_their_window_in_every_email()
    {
        // Its own Azurite: a purge "an hour later" must not touch the counters of tests running beside it.
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(_clock));
        var tenant = await host.RegisterAsync();
        await (await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = "wrong" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = Tenants.UniqueEmail(), password = "wrong" })).ProblemAsync(HttpStatusCode.Unauthorized);
        var table = new TableClient(azurite.ConnectionString, TableNames.LoginAttempts);
        var purge = () => ActivatorUtilities.CreateInstance<SessionPurgeFunctions>(host.Services).PurgeAsync(null!, CancellationToken.None);
        var before = await table.QueryAsync<TableEntity>().CountAsync();

        await purge();
        Assert.Equal(before, await table.QueryAsync<TableEntity>().CountAsync()); // their window is still open

        _clock.Advance(LoginThrottle.Window + LoginThrottle.SlowInterval + TimeSpan.FromMinutes(1));
        await purge();
        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());
    }
}
