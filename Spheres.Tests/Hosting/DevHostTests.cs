using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Azure.Data.Tables;
using Spheres.Core.Storage;
using Spheres.DevHost;
using Spheres.Functions.OpenApi;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>DevHost serves exactly the functions, with their routes, keys and timers, and nothing of its own.</summary>
public sealed class DevHostTests
{
    [Fact]
    public async Task Every_http_function_is_mapped_under_api_with_its_methods_and_nothing_else()
    {
        await using var host = await TestHost.StartSharedAsync();
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName);

        Assert.NotEmpty(HttpFunctionCatalog.All);
        Assert.Equal(HttpFunctionCatalog.All.Select(f => f.Name).Order(), endpoints.Keys.Order());
        foreach (var function in HttpFunctionCatalog.All)
        {
            var endpoint = endpoints[function.Name];
            Assert.Equal("api/" + function.RouteTemplate, endpoint.RoutePattern.RawText!.TrimStart('/'));
            Assert.Equal(function.HttpMethods.Order(), endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Order());
        }
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await using var host = await TestHost.StartSharedAsync();
        var problem = await (await host.Client.GetAsync("/api/no/such/thing/")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("/api/openapi.json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_known_route_with_a_method_no_function_takes_is_a_405_problem_naming_the_allowed_methods()
    {
        await using var host = await TestHost.StartSharedAsync();
        var response = await host.Client.DeleteAsync("/api/accounts/spheres/");
        var problem = await response.ProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Timer_functions_run_on_their_schedule()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 2, 59, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(azurite.ConnectionString,
            services: s => s.AddSingleton<TimeProvider>(clock));
        var table = await host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Catalog, default);

        Assert.False(await HasVersionRowAsync(table)); // not yet 03:00: the reseed has not run
        clock.Advance(TimeSpan.FromMinutes(1));        // the schedule is "0 0 3 * * *"

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await HasVersionRowAsync(table) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(await HasVersionRowAsync(table), "the 03:00 reseed should have written the catalog");
    }

    [Fact]
    public void Local_settings_values_are_read_with_double_underscores_as_sections()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{ "IsEncrypted": false, "Values": { "Spheres__Meta__VerifyToken": "local", "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated" } }""");
        try
        {
            var values = typeof(DevHostApplication).Assembly.GetType("Spheres.DevHost.LocalSettings")!
                .GetMethod("Read")!.Invoke(null, [file]) as IEnumerable<KeyValuePair<string, string?>>;
            Assert.Contains(new KeyValuePair<string, string?>("Spheres:Meta:VerifyToken", "local"), values!);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Local_settings_host_cors_is_read_like_func_start_reads_it()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{ "Values": {}, "Host": { "LocalHttpPort": 7071, "CORS": "http://localhost:5173,http://localhost:3000", "CORSCredentials": true } }""");
        try
        {
            var values = typeof(DevHostApplication).Assembly.GetType("Spheres.DevHost.HostCors")!
                .GetMethod("ReadHostSection")!.Invoke(null, [file]) as IEnumerable<KeyValuePair<string, string?>>;
            Assert.Equal(
                [new("Host:CORS", "http://localhost:5173,http://localhost:3000"), new("Host:CORSCredentials", "True")],
                values!.OrderBy(v => v.Key).ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<bool> HasVersionRowAsync(TableClient table) =>
        (await table.GetEntityIfExistsAsync<TableEntity>("catalog", "version")).HasValue;
}
