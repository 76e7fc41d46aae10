using Microsoft.Extensions.DependencyInjection;
using Spheres.Core;
using Spheres.Functions.Catalog;
using Spheres.Functions.Telemetry;

namespace Spheres.Functions;

public static class FunctionsRegistration
{
    /// <summary>
    /// The app's whole DI setup. Program.cs (the Functions worker) and DevHost both call this,
    /// so the two hosts run the same services; settings are bound from the host's configuration.
    /// </summary>
    public static IServiceCollection AddSpheres(this IServiceCollection services)
    {
        services.AddSpheresCore();
        services.AddSpheresTelemetry();
        services.AddSingleton<CatalogResponses>();
        services.AddHostedService<StartupChecks>();
        services.AddSingleton<Http.SignInRateLimit>();
        return services;
    }
}
