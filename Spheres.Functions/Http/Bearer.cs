using Microsoft.AspNetCore.Http;

namespace Spheres.Functions.Http;

public static class Bearer
{
    /// <summary>The Authorization header as sent, or null.</summary>
    public static string? Of(HttpRequest request) =>
        request.Headers.Authorization is { Count: > 0 } values ? values.ToString() : null;
}
