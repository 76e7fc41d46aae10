using System.Text;
using System.Text.RegularExpressions;

namespace Spheres.Tests.Infrastructure;

/// <summary>Requests to any route of the API, its parameters filled with plausible values.</summary>
public static partial class RouteSamples
{
    /// <summary>"integrations/api/{id:int}/working_hours/exceptions/{date}" → "integrations/api/1/working_hours/exceptions/2026-12-25".</summary>
    public static string Fill(string route) => Parameter().Replace(route, m => (m.Groups["name"].Value, m.Groups["constraint"].Value) switch
    {
        ("id", "") when route.StartsWith("messages/", StringComparison.Ordinal) || route.StartsWith("/api/messages/", StringComparison.Ordinal) =>
            "0123456789abcdef01234567", // shaped like a message id, so the request reaches storage
        (_, "int") or ("id", _) or ("rowId", _) => "1",
        ("date", _) => "2026-12-25",
        ("tenant_id", _) => "0f8fad5bd9cb469fa16570867728950e",
        ("integration_key", _) => IntegrationKey,
        ("provider", _) => "google", // an OAuth provider, so the callback gets past its 404
        _ => "telegram", // a slug
    });

    /// <summary>Shaped like the keys Spheres gives out (16 random bytes, base64url); no integration has it.</summary>
    public static readonly string IntegrationKey = System.Buffers.Text.Base64Url.EncodeToString(Guid.NewGuid().ToByteArray());

    /// <summary>The request with no credentials; methods that take a body get an empty JSON object.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path) => new HttpRequestMessage(method, path).WithEmptyJsonBody();

    public static HttpRequestMessage WithEmptyJsonBody(this HttpRequestMessage request)
    {
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete && request.Content is null)
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    [GeneratedRegex(@"\{(?<name>\w+)(?::(?<constraint>[^}]*))?\}")]
    private static partial Regex Parameter();
}
