using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Spheres.Core.Problems;

namespace Spheres.Core.Security;

/// <summary>The sign-in endpoints' per-address limit (section <c>Spheres:RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Spheres:RateLimit";

    /// <summary>Requests per minute per client address to the sign-in endpoints together.</summary>
    [Range(1, int.MaxValue)]
    public int AuthPerMinute { get; set; } = ClientRateLimiter.DefaultPerMinute;

    /// <summary>
    /// True behind Azure's front end, which appends the caller's address to X-Forwarded-For; false where clients reach us
    /// directly (DevHost), so a client cannot choose its own address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }

    /// <summary>
    /// How many proxies of ours append to X-Forwarded-For (with <see cref="TrustForwardedFor"/>): 1, Azure's front end; 2 with
    /// Front Door or API Management before it (the client is the entry the edge appended, before the front end's). Entries
    /// further left were written by the client and never count.
    /// </summary>
    [Range(1, 4)]
    public int ForwardedProxies { get; set; } = 1;
}

/// <summary>
/// Requests per minute per client address to the sign-in endpoints together (login, registration,
/// token refresh, password reset): <c>Spheres:RateLimit:AuthPerMinute</c>, default 30. A fixed
/// one-minute window per address on the injected clock, so tests can move time. Per instance: the
/// per-email lock in <see cref="Accounts.LoginThrottle"/> is the shared, durable limit; this one
/// stops one address from hammering many emails.
/// <para>Anonymous callers choose their addresses (IPv6 gives each a /64), so the table of windows is
/// bounded: when it is full, expired windows are dropped, and if none has expired every newcomer
/// shares one window until they do.</para>
/// </summary>
public sealed class ClientRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    public const int DefaultPerMinute = 30;
    public const int MaxTrackedClients = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const string OverflowKey = "(overflow)";

    private readonly int _limit = options.Value.AuthPerMinute;
    private readonly ConcurrentDictionary<string, ClientWindow> _windows = new();

    /// <summary>Counts one request of <paramref name="clientKey"/>; 429 with the seconds left in the window once it is over the limit.</summary>
    public void Acquire(string clientKey)
    {
        var now = time.GetUtcNow();
        var window = _windows.TryGetValue(clientKey, out var known) ? known : Admit(clientKey, now);
        var retryAfter = window.TryTake(now, _limit);
        if (retryAfter is { } wait)
        {
            throw ProblemException.TooManyRequests(
                $"Too many sign-in requests from your address. Try again in {(int)Math.Ceiling(wait.TotalSeconds)} seconds.",
                Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
        }
    }

    private ClientWindow Admit(string clientKey, DateTimeOffset now)
    {
        if (_windows.Count >= MaxTrackedClients)
        {
            foreach (var (key, window) in _windows)
            {
                if (window.ExpiredAt(now)) _windows.TryRemove(key, out _);
            }
            if (_windows.Count >= MaxTrackedClients)
            {
                return _windows.GetOrAdd(OverflowKey, _ => new ClientWindow());
            }
        }
        return _windows.GetOrAdd(clientKey, _ => new ClientWindow());
    }

    private sealed class ClientWindow
    {
        private DateTimeOffset _start = DateTimeOffset.MinValue;
        private int _count;

        public bool ExpiredAt(DateTimeOffset now)
        {
            lock (this) return now >= _start + Window;
        }

        /// <summary>Null when the request may go; else how long until the window ends.</summary>
        public TimeSpan? TryTake(DateTimeOffset now, int limit)
        {
            lock (this)
            {
                if (now >= _start + Window) (_start, _count) = (now, 0);
                if (_count >= limit) return _start + Window - now;
                _count++;
                return null;
            }
        }
    }
}
