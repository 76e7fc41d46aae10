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
    public void Every_queue_function_is_run_on_the_queue_the_functions_host_binds_it_to()
    {
        // functions.metadata is what the Functions SDK generates for the real host from the same attributes.
        var metadata = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var hostQueues = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "queueTrigger")
                .Select(b => $"{f.GetProperty("name").GetString()} <- {b.GetProperty("queueName").GetString()}"))
            .Order().ToList();

        Assert.Contains("SendAutoReply <- auto-replies", hostQueues);
        Assert.Contains("SendAgentReply <- agent-replies", hostQueues);
        Assert.Equal(hostQueues, FunctionDiscovery.QueueFunctions.Select(f => $"{f.Name} <- {f.Trigger.QueueName}").Order().ToList());
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await using var host = await TestHost.StartSharedAsync();
        var problem = await (await host.Client.GetAsync("/api/no/such/thing/")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("/api/openapi.json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_known_route_with_a_method_no_function_takes_is_a_404_problem_as_on_the_functions_host()
    {
        await using var host = await TestHost.StartSharedAsync();
        var problem = await (await host.Client.DeleteAsync("/api/accounts/spheres/")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("DELETE /api/accounts/spheres/", problem.GetProperty("detail").GetString());
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

    private static async Task<bool> HasVersionRowAsync(TableClient table) =>
        (await table.GetEntityIfExistsAsync<TableEntity>("catalog", "version")).HasValue;
}
