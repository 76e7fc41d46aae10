using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>
/// Logout, a password change and a reset end the affected sessions' access tokens too, not only their refresh tokens: at once
/// on the instance that ended them, and on another instance (which had them cached as live) within a minute.
/// </summary>
public sealed class SessionEndTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestHost _host = null!;
    private TestHost _other = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));
        _other = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _other.DisposeAsync();
    }

    private async Task<(TenantSession Session, string RefreshToken)> SignInAsync(TenantSession tenant)
    {
        var body = await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password })).JsonAsync();
        return (tenant with { AccessToken = body.GetProperty("access_token").GetString()! }, body.GetProperty("refresh_token").GetString()!);
    }

    private static Task<HttpResponseMessage> ProfileAsync(TestHost host, TenantSession session) =>
        host.Client.SendAsync(session.Request(HttpMethod.Get, "/api/accounts/profile/"));

    /// <summary>Refused here at once; there, within 60 s (not after the token's 15 minutes), whatever it had cached.</summary>
    private async Task AssertEndedAsync(TenantSession session)
    {
        await (await ProfileAsync(_host, session)).ProblemAsync(HttpStatusCode.Unauthorized);
        _clock.Advance(TimeSpan.FromSeconds(60));
        await (await ProfileAsync(_other, session)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_ends_the_sessions_access_token_and_no_other()
    {
        var tenant = await _host.RegisterAsync();
        var (phone, phoneRefresh) = await SignInAsync(tenant);
        var (laptop, _) = await SignInAsync(tenant);
        await (await ProfileAsync(_other, phone)).JsonAsync(); // cached as live over there

        Assert.Equal(HttpStatusCode.NoContent,
            (await _host.Client.SendAsync(phone.Request(HttpMethod.Post, "/api/accounts/logout/", new { refresh_token = phoneRefresh }))).StatusCode);

        await AssertEndedAsync(phone);
        await (await ProfileAsync(_other, laptop)).JsonAsync();
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_access_tokens_and_keeps_its_own()
    {
        var tenant = await _host.RegisterAsync();
        var (here, _) = await SignInAsync(tenant);
        var (elsewhere, _) = await SignInAsync(tenant);
        await (await ProfileAsync(_other, elsewhere)).JsonAsync();

        var changed = await _host.Client.SendAsync(here.Request(HttpMethod.Post, "/api/accounts/password/",
            new { current_password = tenant.Password, new_password = "a new long password" }));
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        await AssertEndedAsync(elsewhere);
        await (await ProfileAsync(_other, here)).JsonAsync();
    }

    [Fact]
    public async Task A_password_reset_ends_every_sessions_access_token()
    {
        var tenant = await _host.RegisterAsync();
        var (session, _) = await SignInAsync(tenant);
        await (await ProfileAsync(_other, session)).JsonAsync();
        var passwords = _host.Services.GetRequiredService<Spheres.Core.Accounts.PasswordService>();
        var user = await passwords.FindResetRecipientAsync(Spheres.Core.Accounts.AccountStore.EmailKey(tenant.Email.ToLowerInvariant()), default);
        var token = await passwords.IssueResetTokenAsync(user!, default); // the mail's link, without the mail

        var confirmed = await _host.Client.PostAsJsonAsync("/api/accounts/password/reset/confirm/", new { token, new_password = "a reset password" });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);

        await AssertEndedAsync(session);
        await (await ProfileAsync(_host, tenant)).ProblemAsync(HttpStatusCode.Unauthorized); // the registration's session too
    }
}
