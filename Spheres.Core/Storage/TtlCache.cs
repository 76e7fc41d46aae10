using System.Collections.Concurrent;

namespace Spheres.Core.Storage;

/// <summary>
/// A small time-limited cache for the webhook hot path (routes, integrations, profiles, secrets):
/// entries expire after <see cref="Lifetime"/> on the injected clock, so a change made on another
/// instance shows within that time. Failed loads are not cached.
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeProvider time, TimeSpan lifetime, int maxEntries = 10_000) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = new();

    public TimeSpan Lifetime { get; } = lifetime;

    public async ValueTask<TValue> GetOrLoadAsync(TKey key, Func<TKey, Task<TValue>> load)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > now)
        {
            return entry.Value;
        }
        var value = await load(key).ConfigureAwait(false);
        if (_entries.Count >= maxEntries)
        {
            _entries.Clear(); // crude but bounded: the hot set reloads within one lifetime
        }
        _entries[key] = (value, now + Lifetime);
        return value;
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);
}
