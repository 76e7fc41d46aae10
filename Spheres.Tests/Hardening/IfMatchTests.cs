using System.Net;
using System.Net.Http.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary><c>If-Match: *</c> means "any current version" (RFC 9110); a stale tag is a 412 (RFC 9110).</summary>
public sealed class IfMatchTests
{
    [Fact]
    public async Task A_star_updates_the_profile_and_an_integration_whatever_their_version()
    {
        await using var host = await TestHost.StartSharedAsync();
        var tenant = await host.RegisterAsync();

        var patch = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", new { business_name = "Salon Star" });
        patch.Headers.TryAddWithoutValidation("If-Match", "*");
        Assert.Equal("Salon Star", (await (await host.Client.SendAsync(patch)).JsonAsync()).GetProperty("business_name").GetString());

        var integration = await host.ConnectTelegramAsync(tenant);
        var put = tenant.Request(HttpMethod.Put, $"{IntegrationsApi.Base}{integration.Id()}/", new { settings = new { greeting = "Привіт!" } });
        put.Headers.TryAddWithoutValidation("If-Match", "*");
        await (await host.Client.SendAsync(put)).JsonAsync();

        var stale = tenant.Request(HttpMethod.Patch, "/api/accounts/profile/", new { business_name = "Too late" });
        stale.Headers.TryAddWithoutValidation("If-Match", "\"c3RhbGU\"");
        await (await host.Client.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);
    }
}
