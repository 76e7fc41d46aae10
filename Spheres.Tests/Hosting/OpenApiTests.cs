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
        var itemRef = list.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("items").GetProperty("$ref").GetString()!;
        Assert.Equal("#/components/schemas/IntegrationType", itemRef);
        var item = document.GetProperty("components").GetProperty("schemas").GetProperty("IntegrationType").GetProperty("properties");
        Assert.True(item.TryGetProperty("supports_working_hours", out _));
        Assert.True(item.TryGetProperty("sphere_ids", out _));

        var detail = document.GetProperty("paths").GetProperty("/api/accounts/integration-types/{slug}").GetProperty("get");
        Assert.Equal("path", detail.GetProperty("parameters")[0].GetProperty("in").GetString());
        var reseed = document.GetProperty("paths").GetProperty("/api/admin/catalog/reseed").GetProperty("post");
        Assert.Equal(JsonValueKind.Array, reseed.GetProperty("security")[0].GetProperty("functionKey").ValueKind);
    }

    [Fact]
    public async Task Every_operation_documents_its_common_failures()
    {
        await using var host = await TestHost.StartSharedAsync();
        var paths = (await (await host.Client.GetAsync("/api/openapi.json")).JsonAsync()).GetProperty("paths");
        foreach (var operation in paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value))
        {
            var responses = operation.GetProperty("responses");
            var id = operation.GetProperty("operationId").GetString();
            var security = operation.GetProperty("security"); // [] on public operations, so no tool assumes a global default
            if (security.GetArrayLength() > 0)
                Assert.True(responses.TryGetProperty("401", out _), $"{id} needs a token or key but documents no 401");
            if (id is not ("OpenApiDocument" or "MetaWebhookVerification" or "ListPlans"))
                Assert.True(responses.TryGetProperty("503", out _), $"{id} reads storage but documents no 503");
        }
        var profile = paths.GetProperty("/api/accounts/profile").GetProperty("get").GetProperty("responses");
        Assert.Equal("application/problem+json", profile.GetProperty("401").GetProperty("content").EnumerateObject().Single().Name);
    }
}
