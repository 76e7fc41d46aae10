using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.Functions;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>Outside Development the app does not start with a secret whose value is the one local.settings.sample.json publishes.</summary>
public sealed class PublishedSecretsTests
{
    private static readonly Lazy<JsonElement> Sample = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json"))).RootElement.GetProperty("Values").Clone());

    private static string Published(string setting) => Sample.Value.GetProperty(setting.Replace(":", "__", StringComparison.Ordinal)).GetString()!;

    /// <summary>A host with <paramref name="settings"/> in the named environment (set here, never taken from the caller's).</summary>
    private static async Task<TestHost> StartAsync(string environment, IDictionary<string, string?> settings) =>
        await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString, settings, services: null, environment: environment);

    public static TheoryData<string> PublishedSecrets() =>
        new(StartupChecks.SampleCheckedSecrets.Where(s => Sample.Value.TryGetProperty(s.Replace(":", "__", StringComparison.Ordinal), out var v)
                                                          && v.GetString() is { Length: > 0 }));

    [Theory]
    [MemberData(nameof(PublishedSecrets))]
    public async Task Outside_development_a_secret_with_the_samples_value_stops_the_start(string setting)
    {
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync("Production", new Dictionary<string, string?> { [setting] = Published(setting) }));

        Assert.Contains(setting, failed.Message);
        Assert.DoesNotContain(Published(setting), failed.Message);
    }

    [Fact]
    public async Task In_development_the_sample_runs_and_outside_it_secrets_of_ones_own_do()
    {
        await using (await StartAsync("Development", new Dictionary<string, string?> { [SettingNames.AuthSigningKey] = Published(SettingNames.AuthSigningKey) }))
        {
        }
        await using (await StartAsync("Production", new Dictionary<string, string?> { [SettingNames.AuthSigningKey] = "a-signing-key-of-our-own-0123456789abcdef" }))
        {
        }
    }
}
