using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Zoom;

/// <summary>Zoom (section <c>Spheres:Zoom</c>): the webhook secret token its deliveries are signed with, and its REST API.</summary>
public sealed class ZoomOptions
{
    public const string Section = "Spheres:Zoom";

    public string? WebhookSecret { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.zoom.us/v2";
}

/// <summary>Zoom meetings: connected by consent, routed by the Zoom account its <c>/users/me</c> names; meeting events arrive signed.</summary>
public static class ZoomModule
{
    public const string TypeSlug = "zoom";

    public static readonly OAuthProvider OAuth = new("zoom", "Zoom",
        "https://zoom.us/oauth/authorize", "https://zoom.us/oauth/token", "https://zoom.us/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic, RevocationStyle.Rfc7009);

    public static IServiceCollection AddZoom(this IServiceCollection services)
    {
        services.AddOptions<ZoomOptions>().BindConfiguration(ZoomOptions.Section);
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(ConnectionRequirement.OAuth(TypeSlug, [new("account_id", "Zoom account id", SettingKind.Id, Required: true)],
            routingSetting: "account_id", webhookPath: "zoom/"));
        services.AddCapability<ZoomAccounts>();
        services.AddCapability<ZoomConsent>();
        services.AddSingleton<IWebhookReceiver, ZoomWebhookReceiver>();
        return services;
    }
}

/// <summary>Zoom's <c>GET /users/me</c>: the account the token belongs to.</summary>
public sealed class ZoomAccounts(AccountLookup lookup, IOptions<ZoomOptions> options) : TokenOwnerLookup
{
    public override IReadOnlyCollection<string> TypeSlugs { get; } = [ZoomModule.TypeSlug];

    protected override async Task<string> OwnerAsync(string token, CancellationToken cancellationToken) =>
        AccountLookup.Text(await lookup.GetAsync(options.Value.ApiBaseUrl.TrimEnd('/') + "/users/me", token, cancellationToken).ConfigureAwait(false),
            "account_id");
}

/// <summary>Zoom consent: meeting scopes only; the account Zoom names is routed.</summary>
public sealed class ZoomConsent(ProviderRegistry registry, ConnectionRequirements requirements, IntegrationRows rows, ConsentSteps steps)
    : RoutedAccountConsent(registry, requirements, rows, steps)
{
    public override IReadOnlyCollection<string> TypeSlugs { get; } = [ZoomModule.TypeSlug];

    public override OAuthProvider Provider => ZoomModule.OAuth;

    public override IReadOnlyList<string> ScopesFor(string typeSlug) => ["user:read:user", "meeting:read:meeting", "meeting:write:meeting"];
}
