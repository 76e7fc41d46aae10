using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Embeddings;
using Spheres.Core.Integrations;
using Spheres.Core.Integrations.Telegram;
using Spheres.Core.Messaging;
using Spheres.Core.OAuth;
using Spheres.Core.Outbound;
using Spheres.Core.Webhooks;
using Spheres.Core.WorkingHours;
using Azure.Security.KeyVault.Secrets;
using Spheres.Core.Plans;
using Spheres.Core.Storage;

namespace Spheres.Core;

public static class ServiceRegistration
{
    /// <summary>Registers every Core service. Hosts call this once; tests may replace TimeProvider first.</summary>
    public static IServiceCollection AddSpheresCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageClientSettings>();
        services.TryAddSingleton(sp => new SpheresStorage(configuration, sp.GetRequiredService<StorageClientSettings>()));
        services.TryAddSingleton<CatalogStore>();
        services.TryAddSingleton<CatalogService>();
        services.TryAddSingleton<CatalogAdministration>();
        services.TryAddSingleton<Spheres.Core.Operations.SupportLookup>();
        services.TryAddSingleton<Spheres.Core.Operations.ErasureJobs>();
        services.TryAddSingleton<Spheres.Core.Operations.QueuePurge>();
        services.TryAddSingleton<Spheres.Core.Operations.ErasureSteps>();
        services.TryAddSingleton<Spheres.Core.Operations.AccountErasure>();
        services.TryAddSingleton<Spheres.Core.Operations.ExportOptions>();
        services.TryAddSingleton<Spheres.Core.Operations.AccountExport>();
        services.TryAddSingleton<Spheres.Core.Operations.DataRetention>();
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<Passwords>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<Security.ClientRateLimiter>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<Spheres.Core.Accounts.Sessions.SessionStore>();
        services.TryAddSingleton<Spheres.Core.Accounts.Sessions.SessionService>();
        services.TryAddSingleton<PasswordService>();
        services.TryAddSingleton<Spheres.Core.Mail.IMailSender, Spheres.Core.Mail.SmtpMailSender>();
        services.TryAddSingleton<PasswordResetMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordResetMailer>());
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ProfileService>();
        services.TryAddSingleton<IntegrationStore>();
        services.TryAddSingleton<WebhookRoutes>();
        services.TryAddSingleton<WebhookUrls>();
        services.TryAddSingleton<IntegrationService>();
        services.TryAddSingleton<IntegrationActivation>();
        services.TryAddSingleton<OAuth.MetaAccountSelection>();
        services.TryAddSingleton<TelegramWebhooks>();
        services.TryAddSingleton(CreateVault);
        services.TryAddSingleton<IntegrationDirectory>();
        services.TryAddSingleton<MessageStore>();
        services.TryAddSingleton<MessageQueues>();
        services.TryAddSingleton<TenantUsageGate>();
        services.TryAddSingleton<MessagePipeline>();
        services.TryAddSingleton<TelegramWebhook>();
        services.TryAddSingleton<MetaWebhook>();
        services.TryAddSingleton<IntegrationEventStore>();
        services.TryAddSingleton<EventWebhooks>();
        services.TryAddSingleton<WorkingHoursStore>();
        services.TryAddSingleton<CachedWorkingScheduleSource>();
        // The message pipeline asks this on every inbound message: one shared cache per instance.
        services.TryAddSingleton<IWorkingScheduleSource>(sp => sp.GetRequiredService<CachedWorkingScheduleSource>());
        services.TryAddSingleton<WorkingHoursAccess>();
        services.TryAddSingleton<WorkingHoursService>();
        services.TryAddSingleton<ScheduleExceptionService>();
        services.TryAddSingleton<OutOfHoursReplies>();
        services.AddSpheresEmbeddings(configuration);
        services.TryAddSingleton<Spheres.Core.Analytics.AnalyticsService>();
        services.TryAddSingleton<Spheres.Core.Analytics.AnalyticsCache>();
        // No HttpClient logging for Telegram: the bot token is part of every request URL.
        services.AddHttpClient<TelegramBotApi>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        // Nor for the ownership checks: every request carries a tenant's access token.
        services.AddHttpClient<Integrations.Ownership.ProviderAccounts>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSpheresOutbound();
        services.TryAddSingleton<Spheres.Core.Operations.ProviderDisconnect>();
        services.TryAddSingleton<OAuth.OAuthStateStore>();
        services.TryAddSingleton<OAuth.OAuthConnect>();
        services.TryAddSingleton<OAuth.ProviderPush>();
        services.TryAddSingleton<OAuth.ConsentedAccounts>();
        services.TryAddSingleton<OAuth.OAuthCallback>();
        // No HttpClient logging: token requests carry codes, verifiers, tokens and our client secret.
        services.AddHttpClient<OAuth.OAuthHttp>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSpheresOAuthMaintenance();
        return services;
    }

    /// <summary>Key Vault when <c>Spheres:KeyVault:Uri</c> is set, else the local AES-GCM store under <c>Spheres:Credentials:LocalKey</c>.</summary>
    private static ICredentialVault CreateVault(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        if (configuration[SettingNames.KeyVaultUri] is { Length: > 0 } vaultUri)
        {
            return new KeyVaultCredentialVault(new SecretClient(new Uri(vaultUri), AzureIdentity.Credential(configuration)));
        }
        var key = configuration[SettingNames.LocalCredentialKey];
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException(
                $"Set {SettingNames.KeyVaultUri} (Azure) or {SettingNames.LocalCredentialKey} (a base64 32-byte key, local runs only).");
        }
        return new LocalCredentialVault(services.GetRequiredService<SpheresStorage>(), Convert.FromBase64String(key));
    }
}
