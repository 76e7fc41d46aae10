using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Spheres.Core.Catalog;
using Spheres.Functions.Http;

namespace Spheres.Functions.Catalog;

/// <summary>
/// Catalog answers serialised once per catalog version and query, with a strong ETag, so a warm
/// instance answers from memory and a browser revalidates with If-None-Match for a 304.
/// </summary>
public sealed class CatalogResponses
{
    /// <summary>Browsers may reuse an answer for 5 minutes, then revalidate (cheap: a 304).</summary>
    public const string CacheControl = "public, max-age=300, must-revalidate";

    /// <summary>
    /// Keys come from validated filters (catalog values only), so this is never reached in practice;
    /// it is the guarantee that no caller can grow the cache, whatever the filters become.
    /// </summary>
    public const int MaxCachedAnswers = 4_096;

    private sealed record VersionCache(long Version, ConcurrentDictionary<string, (byte[] Body, string ETag)> ByQuery);

    private VersionCache _cache = new(-1, new());

    /// <summary>Answers held for the current catalog version.</summary>
    public int CachedAnswerCount => Volatile.Read(ref _cache).ByQuery.Count;

    public ApiResponse Answer(HttpRequest request, CatalogSnapshot catalog, string key, Func<object> build)
    {
        var cache = Volatile.Read(ref _cache);
        if (catalog.Version > cache.Version)
        {
            // A newer catalog: answers of the old one are dropped with their cache.
            var fresh = new VersionCache(catalog.Version, new());
            cache = Interlocked.CompareExchange(ref _cache, fresh, cache) == cache ? fresh : Volatile.Read(ref _cache);
        }
        var (body, etag) = cache.Version != catalog.Version ? Serialize(build()) // a caller still holding an older snapshot: answer it, cache nothing
            : cache.ByQuery.TryGetValue(key, out var known) ? known
            : cache.ByQuery.Count < MaxCachedAnswers ? cache.ByQuery.GetOrAdd(key, _ => Serialize(build()))
            : Serialize(build());
        var response = IfNoneMatch(request, etag) ? ApiResponse.Empty(StatusCodes.Status304NotModified) : ApiResponse.JsonBytes(body);
        return response.WithHeader("ETag", etag).WithHeader("Cache-Control", CacheControl);
    }

    private static (byte[] Body, string ETag) Serialize(object value)
    {
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Options);
        return (bytes, ApiResponse.ETagOf(bytes));
    }

    private static bool IfNoneMatch(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(value => value is not null &&
            value.Split(',').Any(tag => tag.Trim() is var t && (t == "*" || t == etag || t == "W/" + etag)));
}
