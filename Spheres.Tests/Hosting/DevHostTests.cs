using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Azure.Data.Tables;
using Spheres.Core.Storage;
using Spheres.DevHost;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>DevHost serves exactly the functions, with their routes, keys and timers, and nothing of its own.</summary>
public sealed class DevHostTests
{
    [Fact]
    public async Task Every_function_the_sdk_generates_for_azure_is_served_by_devhost_with_its_route_methods_and_trigger()
    {
        await using var host = await TestHost.StartWithStorageDownAsync();
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName);
        var http = FunctionsMetadata.All.Where(f => f.TriggerType == "httpTrigger").ToList();

        Assert.NotEmpty(http);
        Assert.Equal(http.Select(f => f.Name).Order(), endpoints.Keys.Order());
        foreach (var function in http)
        {
            var endpoint = endpoints[function.Name];
            // The host serves a function without a route at its name.
            Assert.Equal("api/" + (function.Route ?? function.Name), endpoint.RoutePattern.RawText!.TrimStart('/'));
            Assert.True(function.Methods is not null, $"{function.Name} takes every method on Azure; declare its methods");
            Assert.Equal(function.Methods!.Order(), endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Order());
        }
        foreach (var function in FunctionsMetadata.All.Where(f => f.TriggerType != "httpTrigger"))
        {
            Assert.Contains(function.Name, NonHttpFunctionsDevHostRuns(function.TriggerType));
        }
        var timers = FunctionsMetadata.All.Where(f => f.TriggerType == "timerTrigger").ToList();
        Assert.Equal(timers.Select(t => (t.Name, t.Schedule)).Order(),
            FunctionDiscovery.TimerFunctions.Select(t => (t.Name, (string?)t.Trigger.Schedule)).Order());
    }

    [Fact]
    public async Task Devhost_asks_for_the_function_key_exactly_where_azure_does()
    {
        await using var host = await TestHost.StartWithStorageDownAsync(); // nothing a request does can change stored data
        var http = FunctionsMetadata.All.Where(f => f.TriggerType == "httpTrigger").ToList();
        Assert.Contains(http, f => f.AuthLevel == "Function");
        foreach (var function in http)
        {
            Assert.True(function.AuthLevel is "Anonymous" or "Function", $"{function.Name}: auth level {function.AuthLevel} is not handled by DevHost");
            var path = "/api/" + RouteSamples.Fill(function.Route ?? function.Name);
            var method = new HttpMethod(function.Methods![0]);
            var withoutKey = await host.Client.SendAsync(RouteSamples.Request(method, path));
            var withKey = await host.Client.SendAsync(host.AdminRequest(method, path).WithEmptyJsonBody());
            if (function.AuthLevel == "Function")
            {
                await withoutKey.ProblemAsync(HttpStatusCode.Unauthorized);
                Assert.True(withKey.StatusCode != HttpStatusCode.Unauthorized, $"{function.Name} refuses the right key");
            }
            else
            {
                // The key changes nothing for an anonymous function: same status, same problem (if any).
                Assert.True(withKey.StatusCode == withoutKey.StatusCode, $"{function.Name}: {(int)withoutKey.StatusCode} without the key, {(int)withKey.StatusCode} with it");
                Assert.Equal(HttpAssertions.WithoutTraceId(await withKey.Content.ReadAsStringAsync()), HttpAssertions.WithoutTraceId(await withoutKey.Content.ReadAsStringAsync()));
            }
        }
    }

    /// <summary>
    /// DevHost's registry of the functions of a non-HTTP trigger ("timerTrigger" → FunctionDiscovery.TimerFunctions,
    /// "queueTrigger" → QueueFunctions, ...). A trigger type Azure runs and DevHost has no registry for fails the test.
    /// </summary>
    private static IEnumerable<string> NonHttpFunctionsDevHostRuns(string triggerType)
    {
        var kind = char.ToUpperInvariant(triggerType[0]) + triggerType[1..^"Trigger".Length];
        var registry = typeof(FunctionDiscovery).GetProperty(kind + "Functions");
        Assert.True(registry is not null, $"Azure runs {triggerType} functions; DevHost has no FunctionDiscovery.{kind}Functions to run them");
        return ((System.Collections.IEnumerable)registry!.GetValue(null)!).Cast<object>()
            .Select(f => (string)f.GetType().GetProperty("Name")!.GetValue(f)!);
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
