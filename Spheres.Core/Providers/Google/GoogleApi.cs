using System.Text.Json;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Google's calls with a tenant's access token: userinfo, Calendar <c>events.watch</c> / <c>channels.stop</c>, Gmail
/// <c>users.watch</c> / <c>users.stop</c>. The base URL comes from <see cref="GoogleOptions"/> (API.md names).
/// </summary>
public sealed class GoogleApi(ProviderApiClient http, AccountLookup lookup, WebhookUrls urls, IOptions<GoogleOptions> options)
{
    private string Google => options.Value.BaseUrl;

    /// <summary>
    /// The Google account's email, as userinfo reports it for this token, and only when Google says it verified it
    /// (<c>email_verified</c>): an unverified address is one anybody could have typed, and Gmail routes a mailbox by it.
    /// </summary>
    public async Task<string> EmailAsync(string accessToken, CancellationToken cancellationToken)
    {
        var me = await lookup.GetAsync($"{Google}/oauth2/v3/userinfo", accessToken, cancellationToken).ConfigureAwait(false);
        if (ProviderApiClient.Text(me, "email") is not { Length: <= 320 } email || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new ProviderAccountException("Google's userinfo named no email.", answered: true);
        }
        return IsVerified(me)
            ? email
            : throw new ProviderAccountException("Google has not verified this account's email address: verify it at Google, then connect again.",
                answered: true);
    }

    /// <summary>OpenID Connect's <c>email_verified</c>: a boolean (Google also has sent the string "true").</summary>
    private static bool IsVerified(JsonElement me) =>
        me.ValueKind == JsonValueKind.Object && me.TryGetProperty("email_verified", out var verified)
        && (verified.ValueKind == JsonValueKind.True || (verified.ValueKind == JsonValueKind.String && verified.GetString() == "true"));

    /// <summary>Calendar push to our channel: id = the webhook key, token = the channel token the row's vault entry holds.</summary>
    public Task<PushSetUp> WatchCalendarAsync(Integration integration, string accessToken, string channelToken, CancellationToken cancellationToken) =>
        WatchChannelAsync(accessToken, integration.Setting("calendar_id") ?? "primary", integration.WebhookKey, channelToken, urls.For(integration)!,
            cancellationToken);

    /// <summary>Calendar <c>events.watch</c>: a push channel with our id and token (a renewal starts one under a new id).</summary>
    public async Task<PushSetUp> WatchChannelAsync(string accessToken, string calendarId, string channelId, string channelToken, string address,
        CancellationToken cancellationToken)
    {
        var answer = await http.PostJsonAsync($"{Google}/calendar/v3/calendars/{Uri.EscapeDataString(calendarId)}/events/watch", accessToken,
            new { id = channelId, type = "web_hook", address, token = channelToken }, cancellationToken).ConfigureAwait(false);
        var resourceId = ProviderApiClient.Text(answer, "resourceId") ?? throw new ProviderCallException("Google's watch answer named no resourceId.", true);
        return new PushSetUp("channel_resource_id", resourceId, FromMilliseconds(answer));
    }

    /// <summary>Calendar <c>channels.stop</c>; throws <see cref="ProviderCallException"/> when Google did not confirm.</summary>
    public Task StopChannelAsync(string accessToken, string channelId, string resourceId, CancellationToken cancellationToken) =>
        http.SendAsync(HttpMethod.Post, $"{Google}/calendar/v3/channels/stop", accessToken, new { id = channelId, resourceId }, cancellationToken);

    /// <summary>Best effort: the channel of the integration's webhook key.</summary>
    public Task StopCalendarAsync(Integration integration, string accessToken, string resourceId, CancellationToken cancellationToken) =>
        http.TrySendAsync(HttpMethod.Post, $"{Google}/calendar/v3/channels/stop", accessToken, new { id = integration.WebhookKey, resourceId },
            cancellationToken);

    /// <summary>Gmail publishes the inbox's changes to our Pub/Sub topic; the answer's historyId is where reading starts.</summary>
    public async Task<PushSetUp> WatchGmailAsync(string accessToken, CancellationToken cancellationToken)
    {
        var topic = ConfiguredSecrets.Require(options.Value.PubSubTopic, SettingNames.GooglePubSubTopic);
        var answer = await http.PostJsonAsync($"{Google}/gmail/v1/users/me/watch", accessToken,
            new { topicName = topic, labelIds = new[] { "INBOX" }, labelFilterBehavior = "INCLUDE" },
            cancellationToken).ConfigureAwait(false);
        var historyId = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("historyId", out var h) && ProviderApiClient.Seconds(h) is { } id
            ? id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ProviderCallException("Gmail's watch answer named no historyId.", true);
        return new PushSetUp("history_id", historyId, FromMilliseconds(answer));
    }

    /// <summary>Gmail <c>users.stop</c>; throws <see cref="ProviderCallException"/> when Google did not confirm.</summary>
    public Task StopGmailWatchAsync(string accessToken, CancellationToken cancellationToken) =>
        http.SendAsync(HttpMethod.Post, $"{Google}/gmail/v1/users/me/stop", accessToken, null, cancellationToken);

    /// <summary>Best effort.</summary>
    public Task StopGmailAsync(string accessToken, CancellationToken cancellationToken) =>
        http.TrySendAsync(HttpMethod.Post, $"{Google}/gmail/v1/users/me/stop", accessToken, null, cancellationToken);

    /// <summary>Google's <c>expiration</c>: milliseconds since the epoch, as a string or a number.</summary>
    private static DateTimeOffset? FromMilliseconds(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("expiration", out var e) && ProviderApiClient.Seconds(e) is { } ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
