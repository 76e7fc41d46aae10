using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>The per-email attempt limit under concurrency, and the per-address request limit.</summary>
public sealed class SignInLimitTests
{
    private static Task<HttpResponseMessage> LoginAsync(TestHost host, string email, string password, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/accounts/login/") { Content = JsonContent.Create(new { email, password }) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Thirty_parallel_wrong_passwords_verify_at_most_five_and_never_fail_with_5xx()
    {
        await using var host = await TestHost.StartSharedAsync();
        var tenant = await host.RegisterAsync();
        // Every attempt reads the counter before any of them writes: the race the reservation must win.
        host.StorageFaults.HoldUntilTogether(m => StorageFaults.IsTable(m, TableNames.LoginAttempts) && m.Request.Method == Azure.Core.RequestMethod.Get, 30);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => LoginAsync(host, tenant.Email, $"wrong-{i}")));

        Assert.True(host.StorageFaults.Gathered, "the 30 attempts did not overlap: nothing raced");
        var statuses = answers.Select(a => (int)a.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is 401 or 429, $"status {s}"));
        Assert.InRange(statuses.Count(s => s == 401), 1, LoginThrottleLimit); // 401: a password was checked
        host.StorageFaults.Heal();
        var locked = await LoginAsync(host, tenant.Email, Tenants.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
    }

    private const int LoginThrottleLimit = Spheres.Core.Accounts.LoginThrottle.MaxAttempts;

    [Fact]
    public async Task An_address_over_its_minute_is_429_with_retry_after_and_is_let_in_again_a_minute_later()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartSharedAsync(
            new Dictionary<string, string?> { [SettingNames.RateLimitAuthPerMinute] = "3" },
            s => s.AddSingleton<TimeProvider>(clock));

        for (var i = 0; i < 3; i++)
            await (await LoginAsync(host, Tenants.UniqueEmail(), "whatever")).ProblemAsync(HttpStatusCode.Unauthorized);
        var registration = await host.Client.PostAsJsonAsync("/api/accounts/register/", new { email = Tenants.UniqueEmail() });
        var problem = await registration.ProblemAsync(HttpStatusCode.TooManyRequests); // registration counts with sign-in
        Assert.EndsWith("/rate-limited", problem.GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(60), registration.Headers.RetryAfter!.Delta);

        clock.Advance(TimeSpan.FromSeconds(60));
        await (await LoginAsync(host, Tenants.UniqueEmail(), "whatever")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_forwarded_for_header_chosen_by_the_client_does_not_escape_the_limit_unless_a_front_end_is_trusted()
    {
        await using var direct = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [SettingNames.RateLimitAuthPerMinute] = "2" });
        for (var i = 0; i < 2; i++) await LoginAsync(direct, Tenants.UniqueEmail(), "x", forwardedFor: $"203.0.113.{i}");
        await (await LoginAsync(direct, Tenants.UniqueEmail(), "x", forwardedFor: "203.0.113.99")).ProblemAsync(HttpStatusCode.TooManyRequests);

        await using var behindFrontEnd = await TestHost.StartSharedAsync(new Dictionary<string, string?>
        {
            [SettingNames.RateLimitAuthPerMinute] = "2", [SettingNames.RateLimitTrustForwardedFor] = "true",
        });
        // The front end appends the real address last; what the client wrote before it does not count.
        for (var i = 0; i < 2; i++) await LoginAsync(behindFrontEnd, Tenants.UniqueEmail(), "x", forwardedFor: $"198.51.100.{i}, 203.0.113.7:5123");
        await (await LoginAsync(behindFrontEnd, Tenants.UniqueEmail(), "x", forwardedFor: "198.51.100.50, 203.0.113.7:6000"))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
        await (await LoginAsync(behindFrontEnd, Tenants.UniqueEmail(), "x", forwardedFor: "203.0.113.8")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Behind_an_edge_each_client_is_counted_by_the_address_the_edge_appended_not_by_the_edges_own()
    {
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?>
        {
            [SettingNames.RateLimitAuthPerMinute] = "2", [SettingNames.RateLimitTrustForwardedFor] = "true", [SettingNames.RateLimitForwardedProxies] = "2",
        });
        // "what the client wrote, the client as the edge saw it, the edge as Azure's front end saw it"
        const string edge = "192.0.2.10:443";
        for (var i = 0; i < 2; i++) await LoginAsync(host, Tenants.UniqueEmail(), "x", forwardedFor: $"198.51.100.{i}, 203.0.113.7, {edge}");
        await (await LoginAsync(host, Tenants.UniqueEmail(), "x", forwardedFor: $"198.51.100.9, 203.0.113.7, {edge}")).ProblemAsync(HttpStatusCode.TooManyRequests);
        // Another client behind the same edge address has its own minute.
        await (await LoginAsync(host, Tenants.UniqueEmail(), "x", forwardedFor: $"203.0.113.8, {edge}")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_burst_that_locks_an_email_ends_with_the_window_and_the_owner_signs_in()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var tenant = await host.RegisterAsync();
        for (var i = 0; i < 20; i++) await LoginAsync(host, tenant.Email, "attacker-guess");
        await (await LoginAsync(host, tenant.Email, Tenants.Password)).ProblemAsync(HttpStatusCode.TooManyRequests);

        clock.Advance(Spheres.Core.Accounts.LoginThrottle.Window); // attempts while locked did not extend it
        await (await LoginAsync(host, tenant.Email, Tenants.Password)).JsonAsync();
    }
}
