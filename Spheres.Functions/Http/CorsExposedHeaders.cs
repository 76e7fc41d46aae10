namespace Spheres.Functions.Http;

/// <summary>
/// The response headers a browser script may read (<c>Access-Control-Expose-Headers</c>): the ones this API
/// documents on its answers. Azure's platform CORS (<c>siteConfig.cors</c>) answers preflights and allows the
/// origins, but has no setting for exposed headers, so every answer names them itself (<see cref="ApiResponse"/>);
/// DevHost's CORS exposes the same list. Sent on every answer, not only to an <c>Origin</c>: the value never varies,
/// so a cached answer is right for every caller. It exposes nothing by itself: a browser honours it only where the
/// origin is allowed.
/// </summary>
public static class CorsExposedHeaders
{
    public static readonly IReadOnlyList<string> Names = ["ETag", "Location", "Content-Location", "Retry-After", "WWW-Authenticate", "Allow"];

    public const string HeaderName = "Access-Control-Expose-Headers";

    public static readonly string HeaderValue = string.Join(", ", Names);
}
