using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Configuration;
using Spheres.Core.Embeddings;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

public sealed class EmbeddingProviderTests
{
    [Fact]
    public async Task Azure_openai_is_used_with_the_configured_deployment_and_its_vectors_are_labelled_with_it()
    {
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?>
        {
            [SettingNames.EmbeddingsProvider] = "azure-openai",
            [SettingNames.AzureOpenAIEndpoint] = "https://spheres-test.openai.azure.com/",
            [SettingNames.AzureOpenAIEmbeddingDeployment] = "text-embedding-3-small",
        });
        var model = host.Services.GetRequiredService<EmbeddingModel>();
        Assert.Contains("text-embedding-3-small", model.ModelId);
        Assert.DoesNotContain(LocalEmbeddingGenerator.ModelId, model.ModelId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv;SecretName=openai-endpoint)")]
    public async Task Azure_openai_without_a_usable_endpoint_fails_closed_with_503_but_still_takes_reviews(string endpoint)
    {
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?>
        {
            [SettingNames.EmbeddingsProvider] = "azure-openai",
            [SettingNames.AzureOpenAIEndpoint] = endpoint,
            [SettingNames.AzureOpenAIEmbeddingDeployment] = "text-embedding-3-small",
        });
        var tenant = await host.RegisterAsync(plan: "professional");
        await (await host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "Great" }))).JsonAsync(HttpStatusCode.Created);
        var problem = await (await host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/reviews/search/?q=great"))).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.EndsWith("/not-configured", problem.GetProperty("type").GetString());
    }
}
