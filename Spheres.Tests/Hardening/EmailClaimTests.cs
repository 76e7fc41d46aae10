using System.Net;
using System.Net.Http.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

public sealed class EmailClaimTests
{
    [Fact]
    public async Task A_registration_whose_claim_was_taken_over_meanwhile_does_not_overwrite_the_new_owner()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var email = Tenants.UniqueEmail();
        // Hold the slow registration's activation until the second one's takeover arrives: both then write at once.
        host.StorageFaults.HoldUntilTogether(m => StorageFaults.IsTable(m, TableNames.EmailIndex) && m.Request.Method == RequestMethod.Put, 2);

        var slow = host.Client.PostAsJsonAsync("/api/accounts/register/",
            new { email, password = "slow registration 1", name = "Slow", business_name = "Slow", sphere_slug = "beauty" });
        await WaitUntilAsync(() => host.StorageFaults.Held >= 1 || slow.IsCompleted); // claim written, activation held
        if (slow.IsCompleted) Assert.Fail("answered before its activation: " + await (await slow).Content.ReadAsStringAsync());
        clock.Advance(TimeSpan.FromMinutes(3)); // the pending claim now looks abandoned
        var fast = await host.Client.PostAsJsonAsync("/api/accounts/register/",
            new { email, password = "fast registration 2", name = "Fast", business_name = "Fast", sphere_slug = "beauty" });
        var answers = new[] { (await slow, "slow registration 1"), (fast, "fast registration 2") };

        Assert.True(host.StorageFaults.Gathered, "the activation and the takeover did not meet");
        var winner = Assert.Single(answers, a => a.Item1.StatusCode == HttpStatusCode.Created);
        Assert.Single(answers, a => a.Item1.StatusCode == HttpStatusCode.Conflict);
        var tenantId = (await winner.Item1.JsonAsync(HttpStatusCode.Created)).GetProperty("profile").GetProperty("tenant_id").GetString();
        var login = await (await host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = winner.Item2 })).JsonAsync();
        var session = new TenantSession(tenantId!, "", email, winner.Item2, login.GetProperty("access_token").GetString()!);
        Assert.Equal(tenantId, (await host.GetJsonAsync(session, "/api/accounts/profile/")).GetProperty("tenant_id").GetString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), "the first registration never reached its activation ");
    }
}
