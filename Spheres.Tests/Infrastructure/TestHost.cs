using OpenTelemetry.Logs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.DevHost;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// DevHost (the real routing, key checks and DI of Spheres.Functions) on an in-process TestServer,
/// wired to an Azurite. Requests go through HttpClient exactly as the frontend sends them.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string FunctionKey = "test-function-key";
    public const string SigningKey = "test-only-signing-key-0123456789abcdef";
    public const string MetaAppSecret = "test-meta-app-secret";
    public const string MetaVerifyToken = "test-meta-verify-token";
    public const string CalendlySigningKey = "test-calendly-signing-key";
    public const string ZoomWebhookSecret = "test-zoom-secret-token";
    public const string SquareSignatureKey = "test-square-signature-key";

    private TestHost(WebApplication app, StorageRequestCounter counter, StorageFaults faults)
    {
        App = app;
        StorageRequests = counter;
        StorageFaults = faults;
        // Every response of every test is scanned for the credential values tests use.
        Client = KestrelUrl is { } url
            ? new HttpClient(new SecretSentinel.ResponseScanner(new HttpClientHandler())) { BaseAddress = new Uri(url) }
            : new HttpClient(new SecretSentinel.ResponseScanner(app.GetTestServer().CreateHandler())) { BaseAddress = app.GetTestServer().BaseAddress };
    }

    /// <summary>Where a host started with <c>onKestrel</c> listens on loopback, for clients outside this process; else null.</summary>
    public string? KestrelUrl => App.Urls.FirstOrDefault(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && !u.EndsWith(":0", StringComparison.Ordinal));

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public StorageRequestCounter StorageRequests { get; }

    /// <summary>Off until a test says which storage requests should fail.</summary>
    public StorageFaults StorageFaults { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<TestHost> StartAsync(
        string storageConnectionString,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        bool onKestrel = false,
        string environment = "Production")
    {
        var counter = new StorageRequestCounter();
        var faults = new StorageFaults();
        var providers = await FakeProviderAccounts.Shared;
        var app = DevHostApplication.Create([], builder =>
        {
            if (onKestrel) Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(builder.WebHost, "http://127.0.0.1:0"); // a free port, for a client in another process
            else builder.WebHost.UseTestServer();
            // Never the caller's ASPNETCORE_ENVIRONMENT: the startup checks depend on it.
            builder.Environment.EnvironmentName = environment;
            builder.Logging.ClearProviders();
            // The app's OpenTelemetry log pipeline comes back (the console does not): TelemetryCapture reads what it exports.
            builder.Logging.AddOpenTelemetry();
            builder.Logging.AddProvider(new SecretSentinel.LogScanner());
            builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [SettingNames.Storage] = storageConnectionString,
                ["AZURE_FUNCTIONS_ENVIRONMENT"] = environment,
                [SettingNames.DevHostFunctionKey] = FunctionKey,
                [SettingNames.CatalogReseedSchedule] = "0 0 3 * * *",
                [SettingNames.PublicBaseUrl] = "https://spheres.test",
                [SettingNames.KeyVaultUri] = "",
                [SettingNames.AuthSigningKey] = SigningKey,
                [SettingNames.LocalCredentialKey] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                [SettingNames.TelegramApiBaseUrl] = "http://127.0.0.1:9", // nothing listens: tests that talk to Telegram set FakeTelegram
                [SettingNames.MetaAppSecret] = MetaAppSecret,
                [SettingNames.MetaVerifyToken] = MetaVerifyToken,
                [SettingNames.CalendlySigningKey] = CalendlySigningKey,
                [SettingNames.ZoomWebhookSecret] = ZoomWebhookSecret,
                [SettingNames.SquareSignatureKey] = SquareSignatureKey,
                // Tests register many tenants from one address; RateLimitTests sets the real limit.
                [SettingNames.RateLimitAuthPerMinute] = "100000",
                // Timers that sweep every tenant: with one test's fake clock days ahead they would delete what tests
                // beside it (same Azurite) just wrote. Their tests call the services directly.
                ["AzureWebJobs.ApplyRetention.Disabled"] = "true",
                ["AzureWebJobs.PurgeExpiredSessionTokens.Disabled"] = "true",
                ["AzureWebJobs.RefreshEmbeddings.Disabled"] = "true",
                ["AzureWebJobs.RefreshOAuthTokens.Disabled"] = "true",
                ["AzureWebJobs.RenewPushChannels.Disabled"] = "true",
                ["AzureWebJobs.ExpireOAuthConsents.Disabled"] = "true",
                ["AzureWebJobs.RequeueUnqueuedReplies.Disabled"] = "true",
                // Reads every queue each minute: it would show in the tests that count storage requests.
                ["AzureWebJobs.MeasureQueueBacklog.Disabled"] = "true",
                // Off unless a test turns them on: most tests read the queues themselves.
                [FunctionQueues.EnabledSetting] = "off",
                // Nothing exported from a test, whatever the machine's environment says; TelemetryCapture records in memory.
                [Spheres.Functions.Telemetry.TelemetryOptions.AzureMonitorSetting] = "",
                [Spheres.Functions.Telemetry.TelemetryOptions.OtlpEndpointSetting] = "",
            });
            builder.Configuration.AddInMemoryCollection(providers.Settings());
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            var storage = new StorageClientSettings { MaxRetries = 1, NetworkTimeout = TimeSpan.FromSeconds(5) };
            storage.AdditionalPolicies.Add(counter);
            storage.AdditionalPolicies.Add(faults);
            builder.Services.AddSingleton(storage);
            services?.Invoke(builder.Services);
        }, readLocalSettings: false, readEnvironment: false); // hermetic: a test's settings are TestHost's and its own
        await app.StartAsync();
        return new TestHost(app, counter, faults);
    }

    public static async Task<TestHost> StartSharedAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        await StartAsync((await AzuriteServer.Shared).ConnectionString, settings, services);

    /// <summary>A host whose storage is a closed loopback port: every storage call fails as in an outage.</summary>
    public static Task<TestHost> StartWithStorageDownAsync() => StartAsync(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";" +
        $"BlobEndpoint=http://127.0.0.1:{AzuriteServer.FreePort()}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{AzuriteServer.FreePort()}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{AzuriteServer.FreePort()}/devstoreaccount1;");

    public HttpRequestMessage AdminRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", FunctionKey);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
