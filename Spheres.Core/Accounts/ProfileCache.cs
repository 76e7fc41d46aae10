using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// Tenants' profiles for the paths that run on every delivery (the message pipeline, replies, embeddings), cached for
/// <see cref="Lifetime"/> so a warm instance reads none from storage. A change on this instance is seen at once
/// (<see cref="ProfileService"/> forgets what it changed); one on another instance within the lifetime.
/// </summary>
public sealed class ProfileCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    private readonly AccountStore _accounts;
    private readonly TtlCache<string, TenantProfile?> _profiles;

    public ProfileCache(AccountStore accounts, TimeProvider time)
    {
        _accounts = accounts;
        _profiles = new(time, Lifetime);
    }

    /// <summary>The profile, or null for a tenant that does not exist (or is being erased).</summary>
    public ValueTask<TenantProfile?> FindAsync(string tenantId, CancellationToken cancellationToken) =>
        _profiles.GetOrLoadAsync(tenantId, id => _accounts.FindProfileAsync(id, cancellationToken));

    public void Forget(string tenantId) => _profiles.Remove(tenantId);
}
