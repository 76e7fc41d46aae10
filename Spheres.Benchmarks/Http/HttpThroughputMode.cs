using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.DevHost;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// Requests/s and latency of the catalog list on DevHost (real Kestrel on loopback, a real Azurite
/// behind it) against a bare Kestrel endpoint serving the same bytes, both in this process,
/// measured alternately (A B A B) so that noise on the shared machine falls on both.
/// </summary>
public static class HttpThroughputMode
{
    public const string CatalogPath = "/api/accounts/integration-types/";
    public const string CatalogQuery = "?sphere_slug=beauty";
    public const string FunctionKey = "benchmark-function-key";
    public const string SigningKey = "benchmark-only-signing-key-0123456789abcdef";

    /// <summary>Response headers the bare endpoint copies, so both answers are the same size on the wire.</summary>
    private static readonly string[] CopiedHeaders = ["Content-Type", "ETag", "Cache-Control"];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        // DevHost keeps its console logger; its lines (hundreds of MB at Information) go to a
        // temporary file, deleted at the end, so that the report stays readable.
        var report = Console.Out;
        var logPath = Path.Combine(Path.GetTempPath(), $"spheres-bench-devhost-{Environment.ProcessId}.log");
        var log = new StreamWriter(logPath);
        Console.SetOut(log);
        try
        {
            return await RunAsync(options, report);
        }
        finally
        {
            Console.SetOut(report);
            await log.DisposeAsync();
            File.Delete(logPath);
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, TextWriter report)
    {
        PrintMachine(report, $"http: {options.Connections} connections, {options.WarmupSeconds} s warm-up + {options.Seconds} s measured per phase, " +
            $"{options.Rounds} rounds; DevHost log level {options.DevHostLogLevel ?? "as configured"} (its log goes to a temporary file)", servesHere: true);
        using var interruption = new Interruption();
        await using var azurite = await AzuriteServer.StartAsync();

        var devHostUrl = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        var settings = DevHostSettings(azurite.ConnectionString).ToDictionary(s => s.Key, s => (string?)s.Value);
        if (options.DevHostLogLevel is { } level) settings["Logging:LogLevel:Default"] = level;
        await using var devHost = DevHostApplication.Create(["--urls", devHostUrl], builder => builder.Configuration.AddInMemoryCollection(settings), readLocalSettings: false, readEnvironment: false);
        await devHost.StartAsync();

        using var devHostClient = LoadGenerator.CreateClient(options.Connections);
        var devHostUri = new Uri(devHostUrl + CatalogPath + CatalogQuery);
        // The first read seeds the catalog in the empty Azurite and caches it; this is the answer to copy.
        using var first = await devHostClient.GetAsync(devHostUri);
        var body = await first.Content.ReadAsByteArrayAsync();
        if (!first.IsSuccessStatusCode) throw new InvalidOperationException($"DevHost answered {(int)first.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        var headers = CopiedHeaders.ToDictionary(h => h, h => string.Join(", ",
            first.Headers.TryGetValues(h, out var v) ? v : first.Content.Headers.TryGetValues(h, out var c) ? c : []));

        var bareUrl = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        await using var bare = BareEndpoint.Create(bareUrl, CatalogPath, body, headers);
        await bare.StartAsync();
        using var bareClient = LoadGenerator.CreateClient(options.Connections);
        var bareUri = new Uri(bareUrl + CatalogPath + CatalogQuery);
        using (var check = await bareClient.GetAsync(bareUri))
        {
            if (!(await check.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(body))
                throw new InvalidOperationException("The bare endpoint does not answer DevHost's bytes.");
        }
        report.WriteLine($"GET {CatalogPath}{CatalogQuery}: {body.Length} bytes, {headers["Content-Type"]}, same bytes and headers from both");

        // Ctrl-C, or either host stopping, ends the run.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(
            interruption.Token, devHost.Lifetime.ApplicationStopping, bare.Lifetime.ApplicationStopping);

        var targets = new[]
        {
            (Name: "DevHost", Load: new LoadGenerator(devHostClient, devHostUri, body.Length)),
            (Name: "bare", Load: new LoadGenerator(bareClient, bareUri, body.Length)),
        };
        var results = new List<(int Round, string Target, LoadResult Result)>();
        report.WriteLine();
        report.WriteLine("| Round | Target  | Requests | Errors |  Req/s | p50 (ms) | p99 (ms) | CPU µs/req | Alloc B/req |");
        report.WriteLine("|------:|---------|---------:|-------:|-------:|---------:|---------:|-----------:|------------:|");
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (name, load) in targets)
            {
                await load.RunAsync(options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), interrupted.Token);
                var r = await load.RunAsync(options.Connections, TimeSpan.FromSeconds(options.Seconds), interrupted.Token);
                if (interrupted.IsCancellationRequested)
                {
                    report.WriteLine("Interrupted.");
                    return 130;
                }
                results.Add((round, name, r));
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round,5} | {name,-7} | {r.Requests,8} | {r.Errors,6} | {r.RequestsPerSecond,6:F0} | {r.P50Ms,8:F2} | {r.P99Ms,8:F2} | {r.CpuMicrosecondsPerRequest,10:F0} | {r.AllocatedBytesPerRequest,11:F0} |"));
            }
        }

        report.WriteLine();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var ratio = results.Single(r => r.Round == round && r.Target == "DevHost").Result.RequestsPerSecond
                / results.Single(r => r.Round == round && r.Target == "bare").Result.RequestsPerSecond;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Round {round}: DevHost/bare throughput = {ratio:F2}"));
        }
        double Overall(string target) => results.Where(r => r.Target == target).Sum(r => r.Result.Requests)
            / results.Where(r => r.Target == target).Sum(r => r.Result.Elapsed.TotalSeconds);
        var overall = Overall("DevHost") / Overall("bare");
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"All rounds: DevHost/bare throughput = {overall:F3} (goal >= 0.5: {(overall >= 0.5 ? "met" : "NOT met")})"));

        var wrkFailed = false;
        if (options.Wrk)
        {
            try
            {
                wrkFailed = await CrossCheckWithWrkAsync(options, report, [(targets[0].Name, devHostUri), (targets[1].Name, bareUri)], interrupted.Token);
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                report.WriteLine("Interrupted.");
                return 130;
            }
        }

        await bare.StopAsync();
        await devHost.StopAsync();
        return Smoke.Check("http", !results.Any(r => r.Result.Errors > 0 || r.Result.Requests == 0) && !wrkFailed, "a phase had errors or answered nothing");
    }

    private static async Task<bool> CrossCheckWithWrkAsync(
        BenchOptions options, TextWriter report, (string Name, Uri Uri)[] targets, CancellationToken cancellationToken)
    {
        report.WriteLine();
        if (!WrkCrossCheck.IsInstalled())
        {
            report.WriteLine("wrk cross-check skipped: wrk is not on PATH.");
            return false;
        }
        report.WriteLine($"Cross-check with wrk (-t2 -c{options.Connections} -d{options.Seconds}s; targets already warm):");
        report.WriteLine();
        report.WriteLine("| Round | Target  | Requests | Non-200 |  Req/s | p50 (ms) | p99 (ms) |");
        report.WriteLine("|------:|---------|---------:|--------:|-------:|---------:|---------:|");
        var rates = new List<(string Name, double Rate)>();
        var failed = false;
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (name, uri) in targets)
            {
                var r = await WrkCrossCheck.RunAsync(uri, options.Connections, options.Seconds, cancellationToken);
                rates.Add((name, r.RequestsPerSecond));
                failed |= r.NonOk > 0;
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round,5} | {name,-7} | {r.Requests,8} | {r.NonOk,7} | {r.RequestsPerSecond,6:F0} | {r.P50Ms,8:F2} | {r.P99Ms,8:F2} |"));
            }
        }
        var ratio = rates.Where(r => r.Name == targets[0].Name).Average(r => r.Rate) / rates.Where(r => r.Name == targets[1].Name).Average(r => r.Rate);
        report.WriteLine();
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrk, all rounds: DevHost/bare throughput = {ratio:F3}"));
        return failed;
    }

    /// <summary>What DevHost needs to start and serve from the given storage (the local credential store's key is new per run).</summary>
    public static IReadOnlyDictionary<string, string> DevHostSettings(string storageConnectionString) => new Dictionary<string, string>
    {
        [SettingNames.Storage] = storageConnectionString,
        [SettingNames.AuthSigningKey] = SigningKey,
        [SettingNames.DevHostFunctionKey] = FunctionKey,
        [SettingNames.LocalCredentialKey] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    public static void PrintMachine(TextWriter report, string what, bool servesHere)
    {
        report.WriteLine(what);
        report.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores" +
            (servesHere ? $", servers and load generator in this process ({(GCSettings.IsServerGC ? "server" : "workstation")} GC)" : ""));
    }
}
