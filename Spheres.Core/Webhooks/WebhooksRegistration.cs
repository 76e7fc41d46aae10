using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>Provider deliveries: read by their provider module, then routed, processed and stored the same way.</summary>
    public static IServiceCollection AddSpheresWebhooks(this IServiceCollection services)
    {
        services.TryAddSingleton<IntegrationEventStore>();
        services.TryAddSingleton<WebhookIntake>();
        return services;
    }
}
