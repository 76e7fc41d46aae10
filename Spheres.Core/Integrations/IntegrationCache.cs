using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Storage;

namespace Spheres.Core.Integrations;

/// <summary>
/// What a delivery or a reply needs to know about its integration, cached for <see cref="Lifetime"/> so a warm instance
/// reads none of it from storage: the route of a provider's key, the integration row and its secrets. A change made on
/// this instance is forgotten at once (<see cref="Forget"/>); one made elsewhere shows within the lifetime.
/// </summary>
public sealed class IntegrationCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    private readonly WebhookRoutes _routes;
    private readonly IntegrationStore _integrations;
    private readonly ICredentialVault _vault;
    private readonly TtlCache<string, WebhookRoute?> _routeCache;
    private readonly TtlCache<(string, int), Integration?> _integrationCache;
    private readonly TtlCache<string, IReadOnlyDictionary<string, string>?> _secretCache;

    public IntegrationCache(WebhookRoutes routes, IntegrationStore integrations, ICredentialVault vault, TimeProvider time)
    {
        _routes = routes;
        _integrations = integrations;
        _vault = vault;
        _routeCache = new(time, Lifetime);
        _integrationCache = new(time, Lifetime);
        _secretCache = new(time, Lifetime);
    }

    public ValueTask<WebhookRoute?> RouteAsync(string key, CancellationToken cancellationToken) =>
        _routeCache.GetOrLoadAsync(key, k => _routes.FindAsync(k, cancellationToken));

    public ValueTask<Integration?> IntegrationAsync(WebhookRoute route, CancellationToken cancellationToken) =>
        _integrationCache.GetOrLoadAsync((route.TenantId, route.IntegrationId),
            k => _integrations.FindAsync(k.Item1, k.Item2, cancellationToken));

    /// <summary>Drops what this instance cached of an integration it just changed; other instances follow within <see cref="Lifetime"/>.</summary>
    public void Forget(string tenantId, int integrationId) => _integrationCache.Remove((tenantId, integrationId));

    /// <summary>
    /// The webhook secret an integration's deliveries are verified with; null when the integration has
    /// none (never activated: the delivery is simply not ours). A secret the row points at but the
    /// vault no longer holds is 503 <c>not-configured</c>: never verify against nothing.
    /// </summary>
    public async Task<string?> WebhookSecretAsync(Integration? integration, string name, CancellationToken cancellationToken)
    {
        if (integration?.WebhookSecretRef is not { } reference) return null;
        var secrets = await SecretAsync(reference, cancellationToken).ConfigureAwait(false);
        return secrets?.GetValueOrDefault(name) is { Length: > 0 } secret
            ? secret
            : throw ConfiguredSecrets.NotConfigured("this integration's webhook secret (activate it again)");
    }

    /// <summary>A secret by reference; a vault reference never changes its content, only rows point elsewhere.</summary>
    public ValueTask<IReadOnlyDictionary<string, string>?> SecretAsync(string reference, CancellationToken cancellationToken) =>
        _secretCache.GetOrLoadAsync(reference, r => _vault.ReadAsync(r, cancellationToken));
}
