using System.Collections.Concurrent;
using Spheres.Core.Problems;

namespace Spheres.Core.Analytics;

/// <summary>
/// How often one tenant's requests may make analytics compute instead of answering from the cache: a period nobody asked
/// for before reads up to a year of messages, so varying <c>from</c>/<c>to</c> must not turn into unbounded work. Per
/// instance, per tenant: at most <see cref="MaxConcurrent"/> at once and <see cref="MaxPerMinute"/> a minute; past that,
/// 429 with Retry-After. The table of tenants is bounded (only signed-in professional tenants reach it).
/// </summary>
public sealed class AnalyticsComputeLimit(TimeProvider time)
{
    public const int MaxConcurrent = 2;
    public const int MaxPerMinute = 12;
    private const int MaxTenants = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, TenantWindow> _tenants = new();

    /// <summary>A permit to compute now, released when disposed; 429 when the tenant has used its share.</summary>
    public IDisposable Acquire(string tenantId)
    {
        var now = time.GetUtcNow();
        if (_tenants.Count >= MaxTenants && !_tenants.ContainsKey(tenantId))
        {
            foreach (var (key, idle) in _tenants)
            {
                if (idle.IsIdle(now)) _tenants.TryRemove(key, out _);
            }
        }
        var window = _tenants.GetOrAdd(tenantId, _ => new TenantWindow());
        if (window.TryEnter(now) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            throw ProblemException.TooManyRequests(
                $"Reports for periods not computed before are limited to {MaxPerMinute} a minute ({MaxConcurrent} at once). Try again in {seconds} seconds.", seconds);
        }
        return new Permit(window);
    }

    private sealed class TenantWindow
    {
        private DateTimeOffset _start = DateTimeOffset.MinValue;
        private int _count;
        private int _running;

        public TimeSpan? TryEnter(DateTimeOffset now)
        {
            lock (this)
            {
                if (now >= _start + Window) (_start, _count) = (now, 0);
                if (_running >= MaxConcurrent) return TimeSpan.FromSeconds(1);
                if (_count >= MaxPerMinute) return _start + Window - now;
                _count++;
                _running++;
                return null;
            }
        }

        public void Leave()
        {
            lock (this) _running--;
        }

        public bool IsIdle(DateTimeOffset now)
        {
            lock (this) return _running == 0 && now >= _start + Window;
        }
    }

    private sealed class Permit(TenantWindow window) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) window.Leave();
        }
    }
}
