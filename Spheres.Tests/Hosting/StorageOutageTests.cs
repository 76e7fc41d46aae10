using System.Net;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task Unreachable_storage_is_a_503_problem_with_retry_after()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString);
        await azurite.StopAsync();

        var response = await host.Client.GetAsync("/api/accounts/spheres/");

        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain("Exception", problem.GetRawText());
    }

    [Fact]
    public async Task Once_storage_is_back_the_same_request_succeeds()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString);
        await azurite.StopAsync();
        await (await host.Client.GetAsync("/api/accounts/spheres/")).ProblemAsync(HttpStatusCode.ServiceUnavailable);

        await azurite.RestartAsync(); // empty again: the catalog seeds itself on first read

        var spheres = await (await host.Client.GetAsync("/api/accounts/spheres/")).JsonAsync();
        Assert.Equal(3, spheres.GetArrayLength());
    }
}
