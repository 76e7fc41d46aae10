using System.Text.Json;
using Spheres.Functions.OpenApi;
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
        foreach (var function in HttpFunctionCatalog.All)
        {
            Assert.True(operationIds.Contains(function.Name), $"{function.Name} is missing from openapi.json");
        }
    }

    [Fact]
    public async Task Route_parameters_query_filters_and_schemas_use_the_api_names()
    {
        await using var host = await TestHost.StartSharedAsync();
        var document = await (await host.Client.GetAsync("/api/openapi.json/")).JsonAsync();
        var list = document.GetProperty("paths").GetProperty("/api/accounts/integration-types").GetProperty("get");

        Assert.Equal(["sphere_id", "sphere_slug", "country", "integration_type"], list.GetProperty("parameters").Strings("name"));
        var item = list.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("items").GetProperty("properties");
        Assert.True(item.TryGetProperty("supports_working_hours", out _));
        Assert.True(item.TryGetProperty("sphere_ids", out _));

        var detail = document.GetProperty("paths").GetProperty("/api/accounts/integration-types/{slug}").GetProperty("get");
        Assert.Equal("path", detail.GetProperty("parameters")[0].GetProperty("in").GetString());
        var reseed = document.GetProperty("paths").GetProperty("/api/admin/catalog/reseed").GetProperty("post");
        Assert.Equal(JsonValueKind.Array, reseed.GetProperty("security")[0].GetProperty("functionKey").ValueKind);
    }
}
