using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core;
using Spheres.Core.Configuration;
using Spheres.Core.Providers;
using Spheres.Core.Providers.Google;
using Spheres.Core.Providers.Meta;
using Spheres.Core.Providers.Square;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// The OAuth providers and scopes as the app's own registry serves them, for fakes that check what the app sends: built from
/// the same registrations the hosts use (a container that never touches storage), so a fake expects what the modules declare.
/// </summary>
public static class OAuthProviders
{
    private static readonly Lazy<ProviderRegistry> Registry = new(() =>
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SettingNames.Storage] = "UseDevelopmentStorage=true",
            [SettingNames.LocalCredentialKey] = Convert.ToBase64String(new byte[32]),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        return services.AddSpheresCore().BuildServiceProvider().GetRequiredService<ProviderRegistry>();
    });

    public static OAuthProvider Google => GoogleModule.OAuth;
    public static OAuthProvider Meta => MetaModule.OAuth;
    public static OAuthProvider Square => SquareModule.OAuth;

    public static IReadOnlyList<OAuthProvider> All => Registry.Value.All<OAuthProvider>().ToList();

    public static OAuthProvider? Named(string? name) => Registry.Value.OAuthProvider(name);

    /// <summary>The provider and scopes of an OAuth integration type; null for a type connected otherwise.</summary>
    public static (OAuthProvider Provider, IReadOnlyList<string> Scopes)? ForType(string typeSlug) =>
        Registry.Value.Find<IOAuthConsent>(typeSlug) is { } consent ? (consent.Provider, consent.ScopesFor(typeSlug)) : null;

    /// <summary>The provider that refreshes tokens of this type; null for types without refresh tokens (Meta, API keys).</summary>
    public static OAuthProvider? Refreshable(string typeSlug) => ForType(typeSlug)?.Provider is { IssuesRefreshTokens: true } provider ? provider : null;
}
