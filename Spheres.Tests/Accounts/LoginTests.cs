using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

public sealed class LoginTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 23, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> LoginAsync(string email, string password, TestHost? host = null) =>
        (host ?? _host).Client.PostAsJsonAsync("/api/accounts/login/", new { email, password });

    [Fact]
    public async Task The_right_password_gives_a_token_for_the_same_tenant()
    {
        var tenant = await _host.RegisterAsync();
        var body = await (await LoginAsync(tenant.Email.ToUpperInvariant(), Tenants.Password)).JsonAsync();

        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);
        var session = tenant with { AccessToken = body.GetProperty("access_token").GetString()! };
        Assert.Equal(tenant.TenantId, (await _host.GetJsonAsync(session, "/api/accounts/profile/")).GetProperty("tenant_id").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var tenant = await _host.RegisterAsync();
        var wrongPassword = await (await LoginAsync(tenant.Email, "not the password")).ProblemAsync(HttpStatusCode.Unauthorized);
        var unknownEmail = await (await LoginAsync(Tenants.UniqueEmail("nobody"), "not the password")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpAssertions.WithoutTraceId(wrongPassword.GetRawText()), HttpAssertions.WithoutTraceId(unknownEmail.GetRawText()));
    }

    [Fact]
    public async Task Missing_fields_are_400()
    {
        var problem = await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Five_failures_in_15_minutes_lock_the_email_on_every_instance_until_the_window_ends()
    {
        var tenant = await _host.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            await (await LoginAsync(tenant.Email, $"wrong-{i}")).ProblemAsync(HttpStatusCode.Unauthorized);
            _clock.Advance(TimeSpan.FromMinutes(2));
        }

        var locked = await LoginAsync(tenant.Email, Tenants.Password); // even the right password
        await locked.ProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = locked.Headers.RetryAfter!.Delta!.Value;
        Assert.Equal(TimeSpan.FromMinutes(5), retryAfter); // 15 min from the first failure, 10 min gone

        // Another function instance (its own memory, same storage) sees the lock too.
        await using var otherInstance = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));
        await (await LoginAsync(tenant.Email, Tenants.Password, otherInstance)).ProblemAsync(HttpStatusCode.TooManyRequests);

        _clock.Advance(retryAfter);
        await (await LoginAsync(tenant.Email, Tenants.Password)).JsonAsync();
    }

    [Fact]
    public async Task Failures_older_than_the_window_do_not_count()
    {
        var tenant = await _host.RegisterAsync();
        for (var i = 0; i < 4; i++) await LoginAsync(tenant.Email, "wrong");
        _clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 4; i++) await (await LoginAsync(tenant.Email, "wrong")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginAsync(tenant.Email, Tenants.Password)).JsonAsync();
    }

    [Fact]
    public async Task A_successful_login_clears_earlier_failures()
    {
        var tenant = await _host.RegisterAsync();
        for (var i = 0; i < 4; i++) await LoginAsync(tenant.Email, "wrong");
        await (await LoginAsync(tenant.Email, Tenants.Password)).JsonAsync();
        for (var i = 0; i < 4; i++) await (await LoginAsync(tenant.Email, "wrong")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await LoginAsync(tenant.Email, Tenants.Password)).JsonAsync();
    }
}
