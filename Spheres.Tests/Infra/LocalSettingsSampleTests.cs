using System.Reflection;
using System.Text.Json;
using Spheres.Core.Configuration;

namespace Spheres.Tests.Infra;

/// <summary>local.settings.sample.json holds every setting a local run needs, with local-only values.</summary>
public sealed class LocalSettingsSampleTests
{
    private static readonly Lazy<JsonDocument> Sample = new(() =>
    {
        var root = typeof(LocalSettingsSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "local.settings.sample.json")));
    });

    private static JsonElement Values => Sample.Value.RootElement.GetProperty("Values");

    public static TheoryData<string> DeployedSettingNames() => InfraTemplateTests.DeployedSettingNames();

    [Theory]
    [MemberData(nameof(DeployedSettingNames))]
    public void Lists_every_deployed_setting(string settingName)
    {
        Assert.True(Values.TryGetProperty(settingName, out _), $"{settingName} is missing from local.settings.sample.json");
    }

    [Fact]
    public void Uses_azurite_the_isolated_worker_and_no_key_vault()
    {
        Assert.False(Sample.Value.RootElement.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("UseDevelopmentStorage=true", Values.GetProperty(SettingNames.Storage).GetString());
        Assert.Equal("dotnet-isolated", Values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("", Values.GetProperty("Spheres__KeyVault__Uri").GetString());
        Assert.Equal("http://localhost:7071", Values.GetProperty("Spheres__PublicBaseUrl").GetString());
        Assert.Equal("local-dev-function-key", Values.GetProperty("Spheres__DevHost__FunctionKey").GetString());
    }

    [Fact]
    public void Local_credential_key_is_32_bytes_and_not_all_zero()
    {
        var key = Convert.FromBase64String(Values.GetProperty("Spheres__Credentials__LocalKey").GetString()!);
        Assert.Equal(32, key.Length);
        Assert.Contains(key, b => b != 0);
    }

    [Fact]
    public void Signing_key_is_a_local_placeholder_of_at_least_32_characters()
    {
        var signingKey = Values.GetProperty("Spheres__Auth__SigningKey").GetString()!;
        Assert.True(signingKey.Length >= 32, $"signing key has {signingKey.Length} characters");
        Assert.StartsWith("local-only-", signingKey);
    }

    [Fact]
    public void Cors_allows_the_frontend_dev_servers_as_func_start_reads_it()
    {
        var host = Sample.Value.RootElement.GetProperty("Host");
        var origins = host.GetProperty("CORS").GetString()!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(["http://localhost:5173", "http://localhost:3000"], origins);
        Assert.False(host.GetProperty("CORSCredentials").GetBoolean());
    }
}
