using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// Seconds from launching the built DevHost (a child process, settings as environment variables)
/// to its first 200 on /api/openapi.json, and to its first 200 on the catalog list, which includes
/// the process's first storage read. One unmeasured launch seeds the catalog and warms the file cache.
/// </summary>
public static class StartupMode
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var dll = Path.Combine(RepositoryRoot.Path, "Spheres.DevHost", "bin", "Release", "net10.0", "Spheres.DevHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: run `dotnet build Spheres.DevHost -c Release` first.");
        }
        HttpThroughputMode.PrintMachine(Console.Out, $"startup: {options.Launches} launches of {dll}", servesHere: false);
        using var interruption = new Interruption();
        try
        {
            return await RunAsync(options, dll, interruption.Token);
        }
        catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
        {
            Console.WriteLine("Interrupted.");
            return 130;
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, string dll, CancellationToken cancellationToken)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

        await LaunchAsync(dll, azurite.ConnectionString, client, cancellationToken); // seeds the catalog; not measured
        Console.WriteLine();
        Console.WriteLine("| Launch | openapi.json (s) | catalog list (s) |");
        Console.WriteLine("|-------:|-----------------:|-----------------:|");
        var launches = new List<(double OpenApi, double Catalog)>();
        for (var i = 1; i <= options.Launches; i++)
        {
            var (openApi, catalog) = await LaunchAsync(dll, azurite.ConnectionString, client, cancellationToken);
            launches.Add((openApi.TotalSeconds, catalog.TotalSeconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {i,6} | {openApi.TotalSeconds,16:F2} | {catalog.TotalSeconds,16:F2} |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Median of {launches.Count}: first 200 on openapi.json {Median(launches.Select(l => l.OpenApi)):F2} s, " +
            $"on the catalog list {Median(launches.Select(l => l.Catalog)):F2} s"));
        return 0;
    }

    private static async Task<(TimeSpan OpenApi, TimeSpan Catalog)> LaunchAsync(
        string dll, string storage, HttpClient client, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Away from the repository, so no Spheres.Functions/local.settings.json is read: the settings are these.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (key, value) in HttpThroughputMode.DevHostSettings(storage))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var launched = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet for DevHost.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var openApi = await FirstOkAsync(client, new Uri(url + "/api/openapi.json"), process, launched, cancellationToken);
            var catalog = await FirstOkAsync(client, new Uri(url + HttpThroughputMode.CatalogPath + HttpThroughputMode.CatalogQuery),
                process, launched, cancellationToken);
            return (openApi, catalog);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Polls until a 200, and returns the time since launch; bounded by <see cref="LaunchTimeout"/>.</summary>
    private static async Task<TimeSpan> FirstOkAsync(HttpClient client, Uri uri, Process process, long launched, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(uri, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    return Stopwatch.GetElapsedTime(launched);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (process.HasExited) throw new InvalidOperationException($"DevHost exited with code {process.ExitCode} while starting.");
            if (Stopwatch.GetElapsedTime(launched) > LaunchTimeout) throw new TimeoutException($"No 200 from {uri} within {LaunchTimeout.TotalSeconds} s.");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
