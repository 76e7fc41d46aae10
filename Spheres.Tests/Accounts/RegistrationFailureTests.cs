using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Accounts;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>A registration that fails half-way leaves no account that can sign in and no email locked for ever.</summary>
public sealed class RegistrationFailureTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 21, 0, 0, TimeSpan.Zero));
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> RegisterAsync(string email, string password = Tenants.Password) =>
        _host.Client.PostAsJsonAsync("/api/accounts/register/", new { email, password, name = "N", business_name = "B", sphere_id = 1 });

    [Fact]
    public async Task When_the_tenant_write_fails_the_email_is_released_and_nobody_can_sign_in()
    {
        var email = Tenants.UniqueEmail();
        _host.StorageFaults.FailWhen(m => StorageFaults.IsTableBatch(m));

        await (await RegisterAsync(email)).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        _host.StorageFaults.Heal();

        var login = await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = Tenants.Password });
        await login.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Null(await _host.Services.GetRequiredService<AccountStore>().FindEmailAsync(email, default));
        await (await RegisterAsync(email)).JsonAsync(HttpStatusCode.Created); // free to register again at once
    }

    [Fact]
    public async Task When_storage_fails_after_the_claim_the_claim_expires_and_the_email_can_be_registered()
    {
        var email = Tenants.UniqueEmail();
        await (await _host.Client.GetAsync("/api/accounts/spheres/")).JsonAsync(); // catalog warm: no reads below
        // Only plain inserts (the email claim, table creation) go through; the tenant
        // transaction and the release that follows its failure both fail.
        _host.StorageFaults.FailWhen(m => m.Request.Method != Azure.Core.RequestMethod.Post || StorageFaults.IsTableBatch(m));

        await (await RegisterAsync(email)).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        _host.StorageFaults.Heal();

        var pending = await _host.Services.GetRequiredService<AccountStore>().FindEmailAsync(email, default);
        Assert.Equal(AccountStore.EmailState.Pending, pending!.State);
        await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = Tenants.Password }))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        await (await RegisterAsync(email)).ProblemAsync(HttpStatusCode.Conflict); // a registration may still be under way

        _clock.Advance(AccountService.AbandonedClaimAge + TimeSpan.FromSeconds(1));
        await (await RegisterAsync(email, "the-new-password")).JsonAsync(HttpStatusCode.Created);
        await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = "the-new-password" })).JsonAsync();
    }
}
