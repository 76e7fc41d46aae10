using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Google;

/// <summary>Google (section <c>Spheres:Google</c>): its REST APIs, and what Gmail's pushes through Pub/Sub are verified with.</summary>
public sealed class GoogleOptions
{
    public const string Section = "Spheres:Google";
    public const string DefaultJwksUrl = "https://www.googleapis.com/oauth2/v3/certs";

    public string ApiBaseUrl { get; set; } = "https://www.googleapis.com";

    /// <summary>The Pub/Sub topic Gmail's <c>users.watch</c> publishes to (<c>projects/{project}/topics/{topic}</c>).</summary>
    public string? PubSubTopic { get; set; }

    /// <summary>The audience of Pub/Sub's OIDC token (the push endpoint URL, or what the subscription names).</summary>
    public string? PubSubAudience { get; set; }

    /// <summary>The service account Pub/Sub signs its pushes as (the token's verified <c>email</c>).</summary>
    public string? PubSubServiceAccount { get; set; }

    /// <summary>Google's signing keys for its OIDC tokens.</summary>
    public string? OidcJwksUrl { get; set; }

    public string BaseUrl => ApiBaseUrl.TrimEnd('/');
}

/// <summary>
/// Google Calendar, Meet, Sheets and Gmail: connected by consent (the account's email from userinfo); Calendar pushes to
/// a channel of ours (renewed before it lapses), Gmail to our Pub/Sub topic (watched again daily).
/// </summary>
public static class GoogleModule
{
    public const string Calendar = "google-calendar";
    public const string Meet = "google-meet";
    public const string Sheets = "google-sheets";
    public const string Gmail = "gmail";
    public static readonly IReadOnlyCollection<string> TypeSlugs = [Calendar, Meet, Sheets, Gmail];

    public static readonly OAuthProvider OAuth = new("google", "Google",
        "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/revoke",
        SupportsPkce: true, ClientAuthentication.FormPost, RevocationStyle.TokenForm)
    {
        // Google gives a refresh token only for offline access, and again on re-consent only when asked to prompt.
        AuthorizeParameters = [("access_type", "offline"), ("prompt", "consent")],
    };

    private static readonly SettingField Email = new("email", "Google account", SettingKind.String);

    public static IServiceCollection AddGoogle(this IServiceCollection services)
    {
        services.AddOptions<GoogleOptions>().BindConfiguration(GoogleOptions.Section);
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(
            ConnectionRequirement.OAuth(Calendar,
                [new("calendar_id", "Calendar id (default: the primary calendar)", SettingKind.Id), Email,
                 // Written when Google's push channel is set up (events.watch answers it); channels.stop needs it.
                 new("channel_resource_id", "Push channel resource id (set when the calendar is connected)", SettingKind.Id)],
                webhookPath: "google-calendar/"),
            ConnectionRequirement.OAuth(Meet, [Email]),
            ConnectionRequirement.OAuth(Sheets, [new("spreadsheet_id", "Spreadsheet id", SettingKind.Id), Email]),
            // Written by the OAuth callback from users.watch's answer: where Gmail's history starts for this mailbox.
            ConnectionRequirement.OAuth(Gmail, [Email, new("history_id", "Mailbox history id (set when Gmail is connected)", SettingKind.Id)]));
        services.AddSingleton<GoogleApi>();
        services.AddCapability<GoogleConsent>();
        services.AddCapability<GoogleCalendarPush>();
        services.AddCapability<GmailPush>();
        services.AddSingleton<IWebhookReceiver, GoogleCalendarWebhookReceiver>();
        services.AddHttpClient(nameof(GoogleOidcVerifier), client => client.Timeout = TimeSpan.FromSeconds(10)).AddProviderCallSpans("google");
        services.AddSingleton<GoogleOidcVerifier>();
        services.AddSingleton<IWebhookReceiver, GmailPushReceiver>();
        return services;
    }

    /// <summary>The route of a Calendar push channel: the channel id is ours (the integration's webhook key, or a renewal's new one).</summary>
    public static string ChannelRouteKey(string channelId) => WebhookRoutes.ChannelKey(Calendar, channelId);
}
