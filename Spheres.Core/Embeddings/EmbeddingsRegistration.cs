using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Embeddings;

/// <summary>Which embedding model makes vectors (<c>Spheres:Embeddings:Provider</c>) and, for Azure OpenAI, where it is (<c>Spheres:AzureOpenAI:*</c>).</summary>
public sealed class EmbeddingsOptions
{
    [System.ComponentModel.DataAnnotations.AllowedValues(null, "", EmbeddingsRegistration.LocalProvider, EmbeddingsRegistration.AzureOpenAIProvider,
        ErrorMessage = "Spheres:Embeddings:Provider must be 'local' or 'azure-openai'.")]
    public string? Provider { get; set; }

    public string? AzureOpenAIEndpoint { get; set; }

    public string? AzureOpenAIEmbeddingDeployment { get; set; }
}

public static class EmbeddingsRegistration
{
    public const string LocalProvider = "local";
    public const string AzureOpenAIProvider = "azure-openai";

    /// <summary>
    /// The embedding generator <c>Spheres:Embeddings:Provider</c> names (<c>local</c> by default; anything else stops the
    /// app at start), and the queue and worker built on it. What is embedded is each feature's <see cref="IEmbeddingSubject"/>.
    /// </summary>
    public static IServiceCollection AddSpheresEmbeddings(this IServiceCollection services)
    {
        services.AddOptions<EmbeddingsOptions>()
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((options, configuration) =>
            {
                options.Provider = configuration[SettingNames.EmbeddingsProvider];
                options.AzureOpenAIEndpoint = configuration[SettingNames.AzureOpenAIEndpoint];
                options.AzureOpenAIEmbeddingDeployment = configuration[SettingNames.AzureOpenAIEmbeddingDeployment];
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp => CreateGenerator(sp.GetRequiredService<IOptions<EmbeddingsOptions>>().Value,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ClientId));
        services.TryAddSingleton<EmbeddingModel>();
        services.TryAddSingleton<EmbeddingQueue>();
        services.TryAddSingleton<EmbeddingWorker>();
        services.TryAddSingleton<EmbeddingRefresh>();
        return services;
    }

    private static IEmbeddingGenerator<string, Embedding<float>> CreateGenerator(EmbeddingsOptions options, string? identity)
    {
        if (string.IsNullOrWhiteSpace(options.Provider) || options.Provider == LocalProvider) return new LocalEmbeddingGenerator();
        if (options.Provider != AzureOpenAIProvider)
        {
            throw new InvalidOperationException($"{SettingNames.EmbeddingsProvider} must be '{LocalProvider}' or '{AzureOpenAIProvider}'.");
        }
        var endpoint = ConfiguredSecrets.UsableOrNull(options.AzureOpenAIEndpoint);
        var deployment = ConfiguredSecrets.UsableOrNull(options.AzureOpenAIEmbeddingDeployment);
        if (deployment is null || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return new NotConfiguredEmbeddingGenerator(); // fail closed: nothing is embedded with a half-configured provider
        }
        // The app's managed identity (Cognitive Services OpenAI User on the account), never a key.
        return new AzureOpenAIClient(uri, AzureIdentity.Credential(identity)).GetEmbeddingClient(deployment).AsIEmbeddingGenerator();
    }
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
