using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;
using Spheres.Core.Reviews;
using Spheres.Core.Storage;

namespace Spheres.Core.Embeddings;

public static class EmbeddingsRegistration
{
    public const string LocalProvider = "local";
    public const string AzureOpenAIProvider = "azure-openai";

    /// <summary>
    /// The embedding generator <c>Spheres:Embeddings:Provider</c> names (<c>local</c> by default),
    /// and the reviews and embedding services built on it.
    /// </summary>
    public static IServiceCollection AddSpheresEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => CreateGenerator(configuration));
        services.TryAddSingleton<EmbeddingModel>();
        services.TryAddSingleton<EmbeddingQueue>();
        services.TryAddSingleton<TenantVectorIndex>();
        services.TryAddSingleton<EmbeddingWorker>();
        services.TryAddSingleton<EmbeddingRefresh>();
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<ReviewService>();
        services.TryAddSingleton<FacebookRatings>();
        return services;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(IConfiguration configuration)
    {
        var provider = configuration[SettingNames.EmbeddingsProvider];
        if (string.IsNullOrWhiteSpace(provider) || provider == LocalProvider) return new LocalEmbeddingGenerator();
        if (provider != AzureOpenAIProvider)
        {
            throw new InvalidOperationException($"{SettingNames.EmbeddingsProvider} must be '{LocalProvider}' or '{AzureOpenAIProvider}'.");
        }
        var endpoint = configuration[SettingNames.AzureOpenAIEndpoint];
        var deployment = configuration[SettingNames.AzureOpenAIEmbeddingDeployment];
        if (!IsUsable(endpoint) || !IsUsable(deployment) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return new NotConfiguredEmbeddingGenerator(); // fail closed: nothing is embedded with a half-configured provider
        }
        // The app's managed identity (Cognitive Services OpenAI User on the account), never a key.
        return new AzureOpenAIClient(uri, AzureIdentity.Credential(configuration)).GetEmbeddingClient(deployment).AsIEmbeddingGenerator();
    }

    private static bool IsUsable(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Azure OpenAI chosen but not configured: every call is a 503 <c>not-configured</c>, and no vector is made.</summary>
public sealed class NotConfiguredEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new(EmbeddingsRegistration.AzureOpenAIProvider, null, "not-configured");

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new ProblemException(503, "not-configured", "Service temporarily unavailable.",
            $"Embeddings use Azure OpenAI, but {SettingNames.AzureOpenAIEndpoint} or {SettingNames.AzureOpenAIEmbeddingDeployment} is not set.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose() { }
}
