using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spheres.Core;
using Spheres.Core.Configuration;

namespace Spheres.Functions;

/// <summary>
/// At startup, once. Outside Development the app refuses to start while a secret holds a value published in this repository
/// (<c>local.settings.sample.json</c>, compiled in): anyone can read it, so a deployment that kept the sample's signing key
/// would accept tokens anybody can sign. Then it says which secrets are missing or unresolved Key Vault references, so an
/// operator learns it from the log and not from the first refused delivery or registration: the host still starts, and
/// what depends on a missing secret answers 503 not-configured. No value is ever logged.
/// </summary>
public sealed class StartupChecks(IConfiguration configuration, IHostEnvironment environment, ILogger<StartupChecks> logger) : IHostedService
{
    /// <summary>Secrets besides <see cref="AppSettings.Secrets"/> that the sample gives a value: the local vault's key, DevHost's function key, SMTP's password.</summary>
    public static IReadOnlyList<string> SampleCheckedSecrets { get; } =
        [.. AppSettings.Secrets, SettingNames.LocalCredentialKey, SettingNames.DevHostFunctionKey, SettingNames.SmtpPassword];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsDevelopment())
        {
            var published = PublishedSecretsInUse(configuration);
            if (published.Count > 0)
            {
                logger.LogCritical("Refusing to start: {Settings} hold the values published in local.settings.sample.json; set secrets of your own " +
                                   "(Key Vault in Azure), or run with the Development environment for a local run", string.Join(", ", published));
                throw new InvalidOperationException(
                    $"Refusing to start outside Development: {string.Join(", ", published)} hold values published in local.settings.sample.json.");
            }
        }
        foreach (var setting in AppSettings.Secrets.Where(name => !ConfiguredSecrets.IsUsable(configuration[name])))
        {
            logger.LogError("{Setting} is missing or an unresolved Key Vault reference: what depends on it answers 503 not-configured", setting);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The secret settings whose configured value is the sample's (empty values are not secrets, only missing).</summary>
    public static IReadOnlyList<string> PublishedSecretsInUse(IConfiguration configuration)
    {
        var sample = SampleValues.Value;
        return SampleCheckedSecrets.Where(name => configuration[name] is { Length: > 0 } value
                                                  && sample.TryGetValue(name, out var published) && published.Length > 0 && value == published)
            .ToList();
    }

    /// <summary>The host's environment, or Core Tools' <c>AZURE_FUNCTIONS_ENVIRONMENT</c> (<c>func start</c> sets Development; Azure, Production).</summary>
    private bool IsDevelopment() =>
        environment.IsDevelopment() || string.Equals(configuration["AZURE_FUNCTIONS_ENVIRONMENT"], Environments.Development, StringComparison.OrdinalIgnoreCase);

    /// <summary>The sample's values by configuration key (<c>Spheres__Auth__SigningKey</c> is <c>Spheres:Auth:SigningKey</c>).</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, string>> SampleValues = new(() =>
    {
        using var stream = typeof(StartupChecks).Assembly.GetManifestResourceStream("Spheres.Functions.local.settings.sample.json")
                           ?? throw new InvalidOperationException("local.settings.sample.json is not compiled into Spheres.Functions.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
    });
}
