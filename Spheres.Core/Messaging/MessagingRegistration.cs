using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Embeddings;

namespace Spheres.Core.Messaging;

public static class MessagingRegistration
{
    /// <summary>Customer messages: stored once, counted, decided, queued, and embedded for analytics.</summary>
    public static IServiceCollection AddSpheresMessaging(this IServiceCollection services)
    {
        services.TryAddSingleton<MessageStore>();
        services.TryAddSingleton<MessageQueues>();
        services.TryAddSingleton<MessageGroupCommit>();
        services.TryAddSingleton<MessagePipeline>();
        services.TryAddSingleton<MessageChanges>();
        services.AddSingleton<IEmbeddingSubject, MessageEmbeddings>();
        return services;
    }
}
