using System.Collections.Concurrent;

namespace Spheres.Core.Storage;

/// <summary>
/// A small time-limited cache for the webhook hot path (routes, integrations, profiles, secrets):
/// entries expire after <see cref="Lifetime"/> on the injected clock, so a change made on another
/// instance shows within that time. Failed loads are not cached.
/// <para>Bounded, without ever evicting what is in use: when full, expired entries are dropped, and if
/// that is not enough the new value is returned uncached. Misses (null) have their own, smaller
/// budget, because anonymous callers can make as many of them as they like (unknown route keys)
/// while hits only exist for real integrations: a flood of misses cannot push the hot set out.</para>
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeProvider time, TimeSpan lifetime, int maxEntries = 10_000) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _hits = new();
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _misses = new();
    private readonly int _maxMisses = Math.Max(1, maxEntries / 10);

    public TimeSpan Lifetime { get; } = lifetime;

    public int Count => _hits.Count + _misses.Count;

    public async ValueTask<TValue> GetOrLoadAsync(TKey key, Func<TKey, Task<TValue>> load)
    {
        var now = time.GetUtcNow();
        if ((_hits.TryGetValue(key, out var entry) || _misses.TryGetValue(key, out entry)) && entry.Expires > now)
        {
            return entry.Value;
        }
        var value = await load(key).ConfigureAwait(false);
        var isMiss = value is null;
        var entries = isMiss ? _misses : _hits;
        (isMiss ? _hits : _misses).TryRemove(key, out _);
        if (entries.ContainsKey(key) || HasRoom(entries, isMiss ? _maxMisses : maxEntries, now))
        {
            entries[key] = (value, now + Lifetime);
        }
        return value;
    }

    public void Remove(TKey key)
    {
        _hits.TryRemove(key, out _);
        _misses.TryRemove(key, out _);
    }

    private static bool HasRoom(ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> entries, int limit, DateTimeOffset now)
    {
        if (entries.Count < limit) return true;
        foreach (var (key, entry) in entries)
        {
            if (entry.Expires <= now) entries.TryRemove(key, out _);
        }
        return entries.Count < limit;
    }
}
