using System.Collections.Concurrent;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts.Sessions;

/// <summary>
/// Whether an access token's session is still live, for every bearer request: its session row not revoked and its tenant
/// not frozen (<see cref="SessionStore.IsLiveAsync"/>). Answers are cached for <see cref="CacheLifetime"/>, so a
/// session ended on another instance stops its access tokens within that time, not at their expiry (15 minutes); one
/// ended on this instance stops them at once (<see cref="Forget"/>, <see cref="Freeze"/>). A request that writes asks
/// storage every time (<c>fresh</c>): from an account erasure's 202 on, no instance accepts a write of the tenant.
/// </summary>
public sealed class SessionCheck
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Valid access tokens are signed by us, so only real sessions reach the cache; this bounds it all the same.</summary>
    private const int MaxCached = 50_000;

    private const string Live = "live";

    private readonly SessionStore _store;
    private readonly TimeProvider _time;
    private readonly TtlCache<(string TenantId, string SessionId), string?> _cache;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _frozenHere = new();

    public SessionCheck(SessionStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _cache = new(time, CacheLifetime, MaxCached);
    }

    public async Task<bool> IsLiveAsync(string tenantId, string sessionId, bool fresh, CancellationToken cancellationToken)
    {
        if (_frozenHere.TryGetValue(tenantId, out var until))
        {
            if (until > _time.GetUtcNow()) return false;
            _frozenHere.TryRemove(tenantId, out _);
        }
        if (fresh)
        {
            if (await _store.IsLiveAsync(tenantId, sessionId, cancellationToken).ConfigureAwait(false)) return true;
            Forget(tenantId, sessionId);
            return false;
        }
        return await _cache.GetOrLoadAsync((tenantId, sessionId),
            async key => await _store.IsLiveAsync(key.TenantId, key.SessionId, cancellationToken).ConfigureAwait(false) ? Live : null).ConfigureAwait(false) == Live;
    }

    /// <summary>A session this instance just ended: its access tokens stop here at once.</summary>
    public void Forget(string tenantId, string sessionId) => _cache.Remove((tenantId, sessionId));

    /// <summary>
    /// A tenant this instance just froze: refused here at once, without waiting for the cached answers to lapse (the
    /// frozen row does the rest; this only has to outlive the cache).
    /// </summary>
    public void Freeze(string tenantId)
    {
        var now = _time.GetUtcNow();
        if (_frozenHere.Count >= MaxCached)
        {
            foreach (var (key, until) in _frozenHere)
            {
                if (until <= now) _frozenHere.TryRemove(key, out _);
            }
        }
        _frozenHere[tenantId] = now + CacheLifetime;
    }
}
