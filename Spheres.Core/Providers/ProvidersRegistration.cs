using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>What every provider module builds on: the registry, the shared HTTP clients, and the registration helpers.</summary>
public static class ProvidersRegistration
{
    public static IServiceCollection AddSpheresProviders(this IServiceCollection services)
    {
        services.TryAddSingleton<ProviderRegistry>();
        services.TryAddSingleton<AccountRouting>();
        services.TryAddSingleton<ConsentSteps>();
        services.TryAddSingleton<GrantRevocation>();
        services.TryAddSingleton<ProviderDisconnect>();
        // No HttpClient logging for any of them: every request carries a tenant's token, our client secret, or both.
        services.AddHttpClient<ProviderApiClient>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers().AddProviderCallSpans(null);
        services.TryAddSingleton<AccountLookup>();
        services.AddHttpClient<OAuthTokenClient>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers().AddProviderCallSpans(null);
        return services;
    }

    /// <summary>Registers <typeparamref name="TImplementation"/> as one singleton serving each capability interface it implements.</summary>
    public static IServiceCollection AddCapability<TImplementation>(this IServiceCollection services) where TImplementation : class
    {
        services.TryAddSingleton<TImplementation>();
        foreach (var capability in typeof(TImplementation).GetInterfaces().Where(i => i.Namespace == typeof(IProviderCapability).Namespace && i != typeof(IProviderCapability)))
        {
            services.AddSingleton(capability, sp => sp.GetRequiredService<TImplementation>());
        }
        return services;
    }

    /// <summary>A module's integration types and what each needs to connect.</summary>
    public static IServiceCollection AddIntegrationTypes(this IServiceCollection services, params ConnectionRequirement[] requirements)
    {
        services.AddSingleton<IConnectionRequirementSource>(new DeclaredRequirements(requirements));
        return services;
    }

    /// <summary>Our OAuth client at <paramref name="provider"/>: <c>Spheres:OAuth:{Section}:*</c>, as named options.</summary>
    public static IServiceCollection AddOAuthClient(this IServiceCollection services, OAuthProvider provider)
    {
        services.AddSingleton(provider);
        services.AddOptions<OAuthClientOptions>(provider.Name).BindConfiguration(provider.ConfigurationSection);
        return services;
    }

    private sealed class DeclaredRequirements(IEnumerable<ConnectionRequirement> requirements) : IConnectionRequirementSource
    {
        public IEnumerable<ConnectionRequirement> Requirements { get; } = requirements.ToList();
    }
}
