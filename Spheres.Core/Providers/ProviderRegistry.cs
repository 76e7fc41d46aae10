using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Spheres.Core.Providers;

/// <summary>
/// One piece of what a provider does (check who owns an account, set up its pushes, send a reply, stop its deliveries…),
/// for the integration types it serves. Provider modules implement these; features ask <see cref="ProviderRegistry"/>
/// for the one of a type and never name a provider.
/// </summary>
public interface IProviderCapability
{
    IReadOnlyCollection<string> TypeSlugs { get; }
}

/// <summary>
/// Finds a capability by integration type (or a webhook receiver by the endpoint its provider posts to) among those the
/// provider modules registered. Resolved on first use and remembered, so asking is a dictionary lookup.
/// </summary>
public sealed class ProviderRegistry(IServiceProvider services)
{
    private readonly ConcurrentDictionary<(Type, string), object?> _byType = new();

    /// <summary>The <typeparamref name="T"/> of <paramref name="typeSlug"/>; null when its provider has none (or the type is unknown).</summary>
    public T? Find<T>(string typeSlug) where T : class, IProviderCapability =>
        (T?)_byType.GetOrAdd((typeof(T), typeSlug), key => services.GetServices<T>().FirstOrDefault(c => c.TypeSlugs.Contains(key.Item2)));

    /// <summary>Every registered <typeparamref name="T"/>.</summary>
    public IEnumerable<T> All<T>() where T : class => services.GetServices<T>();

    /// <summary>What handles deliveries posted to <c>/api/webhooks/{endpoint}/</c>.</summary>
    public IWebhookReceiver? Receiver(string endpoint) =>
        (IWebhookReceiver?)_byType.GetOrAdd((typeof(IWebhookReceiver), endpoint),
            key => services.GetServices<IWebhookReceiver>().FirstOrDefault(r => r.Endpoint == key.Item2));

    /// <summary>The subscription handshake of <c>/api/webhooks/{endpoint}/</c>, for providers that have one.</summary>
    public IWebhookHandshake? Handshake(string endpoint) => All<IWebhookHandshake>().FirstOrDefault(h => h.Endpoint == endpoint);

    /// <summary>The OAuth provider a callback path names (<c>/api/oauth/{name}/callback/</c>); null for anything else.</summary>
    public OAuthProvider? OAuthProvider(string? name) =>
        name is null ? null : All<OAuthProvider>().FirstOrDefault(p => p.Name == name);
}
