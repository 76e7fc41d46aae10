using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;

namespace Spheres.Core.OAuth;

/// <summary>What Google answered a watch with: the watched resource (Calendar) and when the watch lapses.</summary>
public sealed record GoogleWatch(string? ResourceId, DateTimeOffset Expiration);

/// <summary>
/// Google's two watch calls: Calendar <c>events.watch</c> (a push channel with our id and token) and Gmail
/// <c>users.watch</c> (pushes to our Pub/Sub topic). The token rides in the Authorization header only.
/// Throws <see cref="OAuthTransientException"/> when Google did not set the watch up.
/// </summary>
public sealed class GoogleWatchApi(HttpClient http, IConfiguration configuration)
{
    public Task<GoogleWatch> WatchCalendarAsync(string accessToken, string calendarId, string channelId, string channelToken, string address,
        CancellationToken cancellationToken) =>
        PostAsync("Calendar events.watch", accessToken,
            $"{configuration.BaseUrl(SettingNames.GoogleApiBaseUrl)}/calendar/v3/calendars/{Uri.EscapeDataString(calendarId)}/events/watch",
            new { id = channelId, type = "web_hook", address, token = channelToken }, cancellationToken);

    public Task<GoogleWatch> WatchGmailAsync(string accessToken, string topicName, CancellationToken cancellationToken) =>
        PostAsync("Gmail users.watch", accessToken, $"{configuration.BaseUrl(SettingNames.GoogleApiBaseUrl)}/gmail/v1/users/me/watch",
            new { topicName, labelIds = new[] { "INBOX" }, labelFilterBehavior = "INCLUDE" }, cancellationToken);

    private async Task<GoogleWatch> PostAsync(string what, string accessToken, string url, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw new OAuthTransientException($"{what} answered HTTP {(int)response.StatusCode}.");
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            // Both answer expiration as milliseconds since the epoch, in a string.
            var expiration = json.TryGetProperty("expiration", out var e) && long.TryParse(
                e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : throw new OAuthTransientException($"{what} answered without an expiration.");
            var resourceId = json.TryGetProperty("resourceId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new GoogleWatch(resourceId, expiration);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or ArgumentOutOfRangeException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new OAuthTransientException($"{what} did not answer.");
        }
    }
}
