using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Spheres.Core.Configuration;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>
/// The providers' token and revocation endpoints on a <see cref="FakeProviderApi"/> (which also takes Google's
/// REST calls). It CHECKS what a provider checks: client authentication in the provider's way (Basic for Zoom,
/// Calendly, Zocdoc; form fields for Google; JSON for Square), grant type, and that the refresh token is one it
/// issued and has not rotated away. It rotates refresh tokens when told to.
/// </summary>
public sealed class FakeTokenEndpoint
{
    public const string ClientId = "spheres-test-client";
    public const string PubSubTopic = "projects/spheres-test/topics/gmail";
    public static readonly string ClientSecret = SecretSentinel.Register("client-secret-" + Guid.NewGuid().ToString("N"));

    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(); // token -> provider name

    public FakeTokenEndpoint(FakeProviderApi api)
    {
        Api = api;
        api.Responder = Answer;
    }

    public FakeProviderApi Api { get; }

    /// <summary>Answer refreshes with a new refresh token (and forget the old one), as Zoom and Calendly do.</summary>
    public bool Rotate { get; set; } = true;

    /// <summary>When set, the token endpoint answers this instead (a 5xx outage, a 400 invalid_grant).</summary>
    public (int Status, object Body)? Failure { get; set; }

    public IEnumerable<FakeProviderApi.Call> TokenCalls(string provider) => Api.Calls.Where(c => c.Path == $"/{provider}/token");

    public IEnumerable<FakeProviderApi.Call> RevokeCalls(string provider) => Api.Calls.Where(c => c.Path == $"/{provider}/revoke");

    /// <summary>A refresh token this provider will accept (registered with the sentinel).</summary>
    public string IssueRefreshToken(string provider)
    {
        var token = SecretSentinel.NewSecret(provider + "-refresh");
        _refreshTokens[token] = provider;
        return token;
    }

    public bool StillValid(string refreshToken) => _refreshTokens.ContainsKey(refreshToken);

    /// <summary>Client id, secret and endpoint URLs of every provider, pointing here.</summary>
    public IDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            [SettingNames.GoogleApiBaseUrl] = Api.BaseUrl,
            [Core.Configuration.SettingNames.GooglePubSubTopic] = PubSubTopic,
        };
        foreach (var provider in OAuthProviders.All)
        {
            settings[provider.ClientIdSetting] = ClientId;
            settings[provider.ClientSecretSetting] = ClientSecret;
            settings[provider.TokenUrlSetting] = $"{Api.BaseUrl}/{provider.Name}/token";
            settings[provider.RevokeUrlSetting] = $"{Api.BaseUrl}/{provider.Name}/revoke";
        }
        return settings;
    }

    /// <summary>The fields of a form or JSON body.</summary>
    public static Dictionary<string, string> Fields(string body) => body.TrimStart().StartsWith('{')
        ? JsonSerializer.Deserialize<Dictionary<string, string>>(body)!
        : QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>When Google's watches lapse, as its answers say (milliseconds since the epoch).</summary>
    public DateTimeOffset WatchExpiration { get; set; } = DateTimeOffset.UtcNow.AddDays(7);

    /// <summary>When set, Calendar events.watch answers this instead.</summary>
    public (int Status, object Body)? WatchFailure { get; set; }

    public const string WatchedResourceId = "calendar-resource-renewed";

    public IEnumerable<FakeProviderApi.Call> CalendarWatches => Api.Calls.Where(c => c.Path.StartsWith("/calendar/v3/calendars/", StringComparison.Ordinal) && c.Path.EndsWith("/events/watch", StringComparison.Ordinal));

    public IEnumerable<FakeProviderApi.Call> ChannelStops => Api.Calls.Where(c => c.Path == "/calendar/v3/channels/stop");

    private (int Status, object Body)? Answer(FakeProviderApi.Call call)
    {
        if (CalendarWatches.Contains(call))
        {
            return WatchFailure ?? (200, new
            {
                kind = "api#channel", id = Fields(call.Body)["id"], resourceId = WatchedResourceId,
                resourceUri = "https://www.googleapis.com/calendar/v3/calendars/primary/events", expiration = WatchExpiration.ToUnixTimeMilliseconds().ToString(),
            });
        }
        if (call.Path == "/gmail/v1/users/me/watch")
        {
            return (200, new { historyId = "1234567", expiration = WatchExpiration.ToUnixTimeMilliseconds().ToString() });
        }
        var parts = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not [var provider, "token" or "revoke"] || OAuthProviders.Named(provider) is null) return null;
        var fields = Fields(call.Body);
        if (!ClientAuthenticated(provider, call, fields)) return (401, new { error = "invalid_client" });
        if (parts[1] == "revoke") return (200, new { });
        if (Failure is { } failure) return failure;
        if (fields.GetValueOrDefault("grant_type") != "refresh_token") return (400, new { error = "unsupported_grant_type" });
        var presented = fields.GetValueOrDefault("refresh_token") ?? "";
        if (!_refreshTokens.TryGetValue(presented, out var issuer) || issuer != provider) return (400, new { error = "invalid_grant" });
        var accessToken = SecretSentinel.NewSecret(provider + "-access");
        if (!Rotate) return (200, new { access_token = accessToken, token_type = "Bearer", expires_in = 3599 });
        _refreshTokens.TryRemove(presented, out _);
        return (200, new { access_token = accessToken, token_type = "Bearer", expires_in = 3599, refresh_token = IssueRefreshToken(provider) });
    }

    private static bool ClientAuthenticated(string provider, FakeProviderApi.Call call, Dictionary<string, string> fields) =>
        FakeClientAuthentication.Accepts(OAuthProviders.Named(provider)!, call.Path.EndsWith("/revoke", StringComparison.Ordinal), call.Authorization,
            fields, ClientId, ClientSecret);
}
