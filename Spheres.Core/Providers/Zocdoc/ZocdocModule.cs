using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Zocdoc;

/// <summary>
/// Zocdoc's partner API: connected by consent. Zocdoc documents no identity endpoint, so nothing is routed by an account
/// id yet (docs/oauth.md): the tokens are stored and the integration is active.
/// </summary>
public static class ZocdocModule
{
    public const string TypeSlug = "zocdoc";

    public static readonly OAuthProvider OAuth = new("zocdoc", "Zocdoc",
        "https://auth.zocdoc.com/oauth/authorize", "https://auth.zocdoc.com/oauth/token", "https://auth.zocdoc.com/oauth/revoke",
        SupportsPkce: true, ClientAuthentication.Basic, RevocationStyle.Rfc7009);

    public static IServiceCollection AddZocdoc(this IServiceCollection services)
    {
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(ConnectionRequirement.OAuth(TypeSlug, [new("provider_id", "Zocdoc provider id", SettingKind.Id)]));
        services.AddCapability<ZocdocConsent>();
        return services;
    }
}

/// <summary>Zocdoc consent: appointments only.</summary>
public sealed class ZocdocConsent(ProviderRegistry registry, ConnectionRequirements requirements, IntegrationRows rows, ConsentSteps steps)
    : RoutedAccountConsent(registry, requirements, rows, steps)
{
    public override IReadOnlyCollection<string> TypeSlugs { get; } = [ZocdocModule.TypeSlug];

    public override OAuthProvider Provider => ZocdocModule.OAuth;

    public override IReadOnlyList<string> ScopesFor(string typeSlug) => ["appointments.read", "appointments.write"];
}
