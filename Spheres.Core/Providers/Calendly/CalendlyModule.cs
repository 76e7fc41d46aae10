using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Calendly;

/// <summary>Calendly (section <c>Spheres:Calendly</c>): our webhook signing key (given to each subscription) and its REST API.</summary>
public sealed class CalendlyOptions
{
    public const string Section = "Spheres:Calendly";

    public string? SigningKey { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.calendly.com";

    public string BaseUrl => ApiBaseUrl.TrimEnd('/');
}

/// <summary>
/// Calendly bookings: connected by consent, routed by the user URI Calendly names; consent subscribes to the user's
/// invitee events, signed with our key; deliveries are verified with it.
/// </summary>
public static class CalendlyModule
{
    public const string TypeSlug = "calendly";

    public static readonly OAuthProvider OAuth = new("calendly", "Calendly",
        "https://auth.calendly.com/oauth/authorize", "https://auth.calendly.com/oauth/token", "https://auth.calendly.com/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic, RevocationStyle.Rfc7009);

    public static IServiceCollection AddCalendly(this IServiceCollection services)
    {
        services.AddOptions<CalendlyOptions>().BindConfiguration(CalendlyOptions.Section);
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(ConnectionRequirement.OAuth(TypeSlug,
            [new("user_uri", "Calendly user URI", SettingKind.Id, Required: true), new("organization_uri", "Calendly organization URI", SettingKind.Id),
             // Written by the OAuth callback: the webhook subscription Calendly created for us.
             new("webhook_subscription_uri", "Webhook subscription URI (set when Calendly is connected)", SettingKind.Id)],
            routingSetting: "user_uri", webhookPath: "calendly/"));
        services.AddSingleton<CalendlyApi>();
        services.AddCapability<CalendlyAccounts>();
        services.AddCapability<CalendlyConsent>();
        services.AddSingleton<IWebhookReceiver, CalendlyWebhookReceiver>();
        return services;
    }
}
