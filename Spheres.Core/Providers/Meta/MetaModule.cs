using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>Meta's app (section <c>Spheres:Meta</c>): the secrets its webhooks are verified with, and where Graph is.</summary>
public sealed class MetaOptions
{
    public const string Section = "Spheres:Meta";

    /// <summary>Signs every delivery (<c>X-Hub-Signature-256</c>); from Key Vault in Azure.</summary>
    public string? AppSecret { get; set; }

    /// <summary>What Meta's subscription handshake must send (<c>hub.verify_token</c>); from Key Vault in Azure.</summary>
    public string? VerifyToken { get; set; }

    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com/v21.0";
}

/// <summary>Graph API URLs under the configured base.</summary>
public sealed class MetaGraph(IOptions<MetaOptions> options)
{
    public string Url(string path) => options.Value.GraphApiBaseUrl.TrimEnd('/') + path;
}

/// <summary>
/// Messenger, Instagram and WhatsApp through Meta's Graph API: connected by Facebook consent (the owner then chooses the
/// page, account or number) or with a pasted token; Graph names the account; our app is subscribed to it; one
/// app-level webhook brings every channel's messages (and Page ratings); replies go out by Graph's <c>/messages</c>.
/// </summary>
public static class MetaModule
{
    public const string Messenger = "facebook-messenger";
    public const string Instagram = "instagram";
    public const string WhatsApp = "whatsapp";
    public static readonly IReadOnlyCollection<string> TypeSlugs = [Messenger, Instagram, WhatsApp];

    /// <summary>What a Facebook consent leaves until the owner chooses an account: the owner's long-lived login.</summary>
    public const string UserTokenCredential = "user_access_token";

    public static readonly OAuthProvider OAuth = new("meta", "Meta",
        "https://www.facebook.com/v21.0/dialog/oauth", "https://graph.facebook.com/v21.0/oauth/access_token",
        RevokeUrl: "https://graph.facebook.com/v21.0/me/permissions", SupportsPkce: false, ClientAuthentication.FormPost, RevocationStyle.GraphPermissions)
    {
        IssuesRefreshTokens = false,
        ScopeSeparator = ",",
    };

    public static IServiceCollection AddMeta(this IServiceCollection services)
    {
        services.AddOptions<MetaOptions>().BindConfiguration(MetaOptions.Section);
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(
            new(WhatsApp, ConnectMethod.OAuth, [CredentialField.AccessToken()],
                [new("phone_number_id", "WhatsApp phone number id", SettingKind.Id, Required: true), new("waba_id", "WhatsApp Business account id", SettingKind.Id),
                 SettingField.OutOfHoursMessage], RoutingSetting: "phone_number_id", WebhookPath: "meta/"),
            new(Instagram, ConnectMethod.OAuth, [CredentialField.AccessToken()],
                [new("instagram_account_id", "Instagram account id", SettingKind.Id, Required: true), SettingField.OutOfHoursMessage],
                RoutingSetting: "instagram_account_id", WebhookPath: "meta/"),
            new(Messenger, ConnectMethod.OAuth, [new CredentialField("page_access_token", "Page access token", Secret: true, Required: true)],
                [new("page_id", "Facebook Page id", SettingKind.Id, Required: true), SettingField.OutOfHoursMessage], RoutingSetting: "page_id",
                WebhookPath: "meta/"));
        services.AddSingleton<MetaGraph>();
        services.AddCapability<MetaAccounts>();
        services.AddCapability<MetaSubscription>();
        services.AddCapability<MetaConsent>();
        // No HttpClient logging: Meta's token is in a header of every send.
        services.AddHttpClient<MetaReplyChannel>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers().AddProviderCallSpans("meta");
        services.AddSingleton<IReplyChannel>(sp => sp.GetRequiredService<MetaReplyChannel>());
        services.AddSingleton<MetaWebhookReceiver>();
        services.AddSingleton<IWebhookReceiver>(sp => sp.GetRequiredService<MetaWebhookReceiver>());
        services.AddSingleton<IWebhookHandshake>(sp => sp.GetRequiredService<MetaWebhookReceiver>());
        return services;
    }
}
