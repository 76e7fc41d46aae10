using System.Text.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>The OpenAPI document describes the two consent operations, with the contract's names.</summary>
public sealed class ConsentDocumentTests
{
    [Fact]
    public async Task Connect_and_callback_are_in_the_openapi_document_with_their_schemas()
    {
        await using var host = await TestHost.StartSharedAsync();
        var document = await (await host.Client.GetAsync("/api/openapi.json")).JsonAsync();
        var paths = document.GetProperty("paths");

        var connect = paths.GetProperty("/api/integrations/api/{id}/connect/").GetProperty("post");
        Assert.Equal("ConnectIntegration", connect.GetProperty("operationId").GetString());
        var schemaRef = connect.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1]);
        Assert.Equal(["authorization_url", "expires_at"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());

        var callback = paths.GetProperty("/api/oauth/{provider}/callback/").GetProperty("get");
        Assert.Equal("OAuthCallback", callback.GetProperty("operationId").GetString());
        Assert.True(callback.GetProperty("responses").TryGetProperty("302", out var found));
        Assert.Equal(JsonValueKind.Object, found.GetProperty("headers").GetProperty("Location").ValueKind);
        Assert.Equal(["code", "error", "provider", "state"],
            callback.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).Order());
        Assert.False(callback.TryGetProperty("security", out var security) && security.GetArrayLength() > 0);
    }
}
