using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Accounts;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_document_describes_every_http_function_with_its_methods()
    {
        await using var host = await TestHost.StartSharedAsync();
        var document = await (await host.Client.GetAsync("/api/openapi.json")).JsonAsync();

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        var operationIds = new HashSet<string>();
        foreach (var path in paths.EnumerateObject())
        {
            Assert.StartsWith("/api/", path.Name);
            foreach (var operation in path.Value.EnumerateObject())
            {
                operationIds.Add(operation.Value.GetProperty("operationId").GetString()!);
                Assert.NotEmpty(operation.Value.GetProperty("responses").EnumerateObject());
            }
        }
        foreach (var function in FunctionsMetadata.All.Where(f => f.TriggerType == "httpTrigger")) // what Azure serves
        {
            Assert.True(operationIds.Contains(function.Name), $"{function.Name} is missing from openapi.json");
        }
    }

    [Fact]
    public async Task Route_parameters_query_filters_and_schemas_use_the_api_names()
    {
        await using var host = await TestHost.StartSharedAsync();
        var document = await (await host.Client.GetAsync("/api/openapi.json/")).JsonAsync();
        var list = document.GetProperty("paths").GetProperty("/api/accounts/integration-types/").GetProperty("get");

        Assert.Equal(["sphere_id", "sphere_slug", "country", "integration_type"], list.GetProperty("parameters").Strings("name"));
        var itemRef = list.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("items").GetProperty("$ref").GetString()!;
        Assert.Equal("#/components/schemas/IntegrationType", itemRef);
        var item = document.GetProperty("components").GetProperty("schemas").GetProperty("IntegrationType").GetProperty("properties");
        Assert.True(item.TryGetProperty("supports_working_hours", out _));
        Assert.True(item.TryGetProperty("sphere_ids", out _));

        var detail = document.GetProperty("paths").GetProperty("/api/accounts/integration-types/{slug}/").GetProperty("get");
        Assert.Equal("path", detail.GetProperty("parameters")[0].GetProperty("in").GetString());
        var reseed = document.GetProperty("paths").GetProperty("/api/admin/catalog/reseed/").GetProperty("post");
        Assert.Equal(JsonValueKind.Array, reseed.GetProperty("security")[0].GetProperty("functionKey").ValueKind);
    }

    [Fact]
    public async Task Without_credentials_an_operation_answers_401_exactly_when_it_documents_401()
    {
        await using var host = await TestHost.StartSharedAsync();
        var failures = new List<string>();
        foreach (var operation in await DocumentedOperation.AllAsync(host.Client))
        {
            var response = await host.Client.SendAsync(SampleRequests.For(operation, credentials: null));
            if (operation.Documents(401) != (response.StatusCode == HttpStatusCode.Unauthorized))
                failures.Add($"{operation}: documents 401: {operation.Documents(401)}, answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task With_storage_down_and_valid_credentials_an_operation_answers_503_with_retry_after_exactly_when_it_documents_503()
    {
        await using var host = await TestHost.StartWithStorageDownAsync();
        // A token the app itself signed, for a tenant storage has never seen: it gets past authentication to storage.
        var token = host.Services.GetRequiredService<AccessTokens>().Issue(Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N")).AccessToken;
        var operations = await DocumentedOperation.AllAsync(host.Client);
        Assert.Contains(operations, o => !o.Documents(503)); // both sides of the rule are exercised
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var response = await host.Client.SendAsync(SampleRequests.For(operation, new SampleRequests.Credentials(token)));
            var answered503 = response.StatusCode == HttpStatusCode.ServiceUnavailable;
            if (operation.Documents(503) != answered503)
                failures.Add($"{operation}: documents 503: {operation.Documents(503)}, answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            else if (answered503 && response.Headers.RetryAfter is null)
                failures.Add($"{operation}: 503 without Retry-After");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
