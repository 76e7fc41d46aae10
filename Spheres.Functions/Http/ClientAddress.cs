using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Spheres.Core.Security;

namespace Spheres.Functions.Http;

/// <summary>
/// The address a request's rate limits are counted by. Behind Azure's front end (setting
/// <c>Spheres:RateLimit:TrustForwardedFor</c>) it is the last X-Forwarded-For entry, the one the
/// front end appended; anything before it was written by the client. Behind an edge as well
/// (<c>Spheres:RateLimit:ForwardedProxies</c> 2) it is the entry before that, the one the edge appended.
/// IPv6 counts per /64, the block one subscriber is usually given.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpRequest request, bool trustForwardedFor, int forwardedProxies)
    {
        var address = request.HttpContext.Connection.RemoteIpAddress;
        if (trustForwardedFor
            && request.Headers["X-Forwarded-For"].LastOrDefault()?.Split(',') is { } entries
            && entries.Length >= forwardedProxies
            && Parse(entries[^forwardedProxies].Trim()) is { } client)
        {
            address = client;
        }
        return address is null ? "unknown" : Key(address);
    }

    private static IPAddress? Parse(string entry) =>
        IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : IPAddress.TryParse(entry, out var plain) ? plain : null;

    private static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

/// <summary>The per-address limit of the sign-in endpoints (login, registration, refresh, password reset), counted together.</summary>
public sealed class SignInRateLimit(ClientRateLimiter limiter, IOptions<RateLimitOptions> options)
{
    /// <summary>429 with Retry-After once the caller's address has used its minute.</summary>
    public void Check(HttpRequest request) => limiter.Acquire(ClientOf(request));

    /// <summary>The caller's address as the limits count it (the per-email sign-in lock counts per address too).</summary>
    public string ClientOf(HttpRequest request) => ClientAddress.Of(request, options.Value.TrustForwardedFor, options.Value.ForwardedProxies);
}
