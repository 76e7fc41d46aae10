using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Accounts;
using Spheres.Core.Analytics;
using Spheres.Core.Catalog;
using Spheres.Core.Configuration;
using Spheres.Core.Connections;
using Spheres.Core.Credentials;
using Spheres.Core.Embeddings;
using Spheres.Core.Inbox;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Notifications;
using Spheres.Core.OAuth;
using Spheres.Core.Operations;
using Spheres.Core.Outbound;
using Spheres.Core.Providers;
using Spheres.Core.Providers.BookingPlatforms;
using Spheres.Core.Providers.Calendly;
using Spheres.Core.Providers.Google;
using Spheres.Core.Providers.Meta;
using Spheres.Core.Providers.Square;
using Spheres.Core.Providers.Telegram;
using Spheres.Core.Providers.Zocdoc;
using Spheres.Core.Providers.Zoom;
using Spheres.Core.Reviews;
using Spheres.Core.Storage;
using Spheres.Core.Webhooks;
using Spheres.Core.WorkingHours;

namespace Spheres.Core;

/// <summary>
/// The composition root of Core: every feature registers itself, and the one list of provider modules is here. Adding a
/// provider is a folder under <c>Providers/</c> and one line in <see cref="AddProviderModules"/>.
/// </summary>
public static class ServiceRegistration
{
    /// <summary>Registers every Core service. Hosts call this once; tests may replace TimeProvider first. Settings are bound from the host's configuration.</summary>
    public static IServiceCollection AddSpheresCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section);
        services.AddSpheresStorage();
        services.AddSpheresCredentials();
        services.AddSpheresCatalog();
        services.AddSpheresAccounts();
        services.AddSpheresIntegrations();
        services.AddSpheresProviders();
        services.AddProviderModules();
        services.AddSpheresConnections();
        services.AddSpheresWorkingHours();
        services.AddSpheresReviews();
        services.AddSpheresMessaging();
        services.AddSpheresInbox();
        services.AddSpheresEmbeddings();
        services.AddSpheresAnalytics();
        services.TryAddSingleton<ITenantDataChanged, NoTenantDataListeners>();
        services.AddSpheresWebhooks();
        services.AddSpheresOutbound();
        services.AddSpheresOAuth();
        services.AddSpheresOperations();
        return services;
    }

    /// <summary>Every provider the app talks to, one line each.</summary>
    internal static IServiceCollection AddProviderModules(this IServiceCollection services) => services
        .AddTelegram()
        .AddMeta()
        .AddGoogle()
        .AddZoom()
        .AddCalendly()
        .AddSquare()
        .AddZocdoc()
        .AddBookingPlatforms();
}

/// <summary>Every setting a deployment provides, and which of them are secrets (Bicep, the local sample and the startup check read these).</summary>
public static class AppSettings
{
    /// <summary>The OAuth providers the modules declare (read from their registrations, so the module list stays the only list).</summary>
    private static readonly OAuthProvider[] OAuthProviders = new ServiceCollection().AddProviderModules()
        .Where(d => d.ServiceType == typeof(OAuthProvider)).Select(d => (OAuthProvider)d.ImplementationInstance!).ToArray();

    /// <summary>Our OAuth client at each provider (<c>Spheres:OAuth:{Provider}:ClientId</c> and <c>…:ClientSecret</c>), secrets from Key Vault.</summary>
    public static IReadOnlyList<string> OAuthClientIds { get; } = OAuthProviders.Select(p => p.ClientIdSetting).ToList();

    public static IReadOnlyList<string> OAuthClientSecrets { get; } = OAuthProviders.Select(p => p.ClientSecretSetting).ToList();

    /// <summary>All keys a deployment must provide (DevHost's key is local only).</summary>
    public static IReadOnlyList<string> Deployed { get; } = [.. SettingNames.DeployedKeys, .. OAuthClientIds, .. OAuthClientSecrets];

    /// <summary>Every setting that holds a secret the app verifies or signs with.</summary>
    public static IReadOnlyList<string> Secrets { get; } =
    [
        SettingNames.AuthSigningKey, SettingNames.MetaAppSecret, SettingNames.MetaVerifyToken, SettingNames.CalendlySigningKey,
        SettingNames.ZoomWebhookSecret, SettingNames.SquareSignatureKey, .. OAuthClientSecrets,
    ];
}
