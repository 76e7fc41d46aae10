using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spheres.Core;
using Spheres.Core.Configuration;

namespace Spheres.Functions;

/// <summary>
/// Says at startup, once, which secrets are missing or unresolved Key Vault references, so an operator
/// learns it from the log and not from the first refused delivery or registration. The host still
/// starts: what depends on a missing secret answers 503 not-configured, everything else works.
/// </summary>
public sealed class StartupChecks(IConfiguration configuration, ILogger<StartupChecks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setting in AppSettings.Secrets.Where(name => !ConfiguredSecrets.IsUsable(configuration[name])))
        {
            logger.LogError("{Setting} is missing or an unresolved Key Vault reference: what depends on it answers 503 not-configured", setting);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
