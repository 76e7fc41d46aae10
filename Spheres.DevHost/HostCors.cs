using System.Text.Json;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Spheres.DevHost;

/// <summary>
/// CORS as <c>func start</c> applies it: allowed origins from local.settings.json's
/// <c>Host.CORS</c> (comma-separated, <c>*</c> for any) and <c>Host.CORSCredentials</c>. DevHost
/// reads them as the settings <c>Host:CORS</c> and <c>Host:CORSCredentials</c>, so tests and
/// environment variables can set them too. Without <c>Host.CORS</c> no origin is allowed, as there.
/// </summary>
internal static class HostCors
{
    public const string OriginsSetting = "Host:CORS";
    public const string CredentialsSetting = "Host:CORSCredentials";

    /// <summary>The <c>Host</c> section of local.settings.json as settings, next to its <c>Values</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ReadHostSection(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("Host", out var host) || host.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        return host.EnumerateObject()
            .Where(p => p.Name is "CORS" or "CORSCredentials")
            .Select(p => new KeyValuePair<string, string?>("Host:" + p.Name, p.Value.ToString()))
            .ToList();
    }

    /// <summary>The policy the settings describe, or null when they allow no origin.</summary>
    public static CorsPolicy? PolicyFrom(IConfiguration configuration)
    {
        var origins = (configuration[OriginsSetting] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (origins.Length == 0)
        {
            return null;
        }
        var builder = new CorsPolicyBuilder().AllowAnyHeader().AllowAnyMethod().WithExposedHeaders([.. Spheres.Functions.Http.CorsExposedHeaders.Names])
            .SetPreflightMaxAge(TimeSpan.FromHours(1));
        var credentials = bool.TryParse(configuration[CredentialsSetting], out var allow) && allow;
        if (origins.Contains("*"))
        {
            // A wildcard with credentials is refused by browsers; the Functions host echoes the origin instead.
            if (credentials) builder.SetIsOriginAllowed(_ => true).AllowCredentials();
            else builder.AllowAnyOrigin();
        }
        else
        {
            builder.WithOrigins(origins);
            if (credentials) builder.AllowCredentials();
        }
        return builder.Build();
    }
}
