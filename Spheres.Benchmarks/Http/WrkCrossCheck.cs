using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// The same measurement by wrk, a load generator in C outside this process, when it is installed:
/// it spends far less CPU per request than HttpClient, so on a small machine the servers get more of it.
/// </summary>
public static partial class WrkCrossCheck
{
    public sealed record WrkResult(double RequestsPerSecond, long Requests, long NonOk, double P50Ms, double P99Ms);

    public static bool IsInstalled() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(dir => File.Exists(Path.Combine(dir, "wrk"))) == true;

    public static async Task<WrkResult> RunAsync(Uri url, int connections, int seconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            ArgumentList = { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency", url.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"wrk did not finish within {seconds + 30} s.");
        }
        var text = await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await error}");
        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(RequestCount().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            NonOk().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            Latency(text, "50%"),
            Latency(text, "99%"));
    }

    private static double Latency(string text, string percentile)
    {
        var match = Regex.Match(text, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success) throw new FormatException($"No {percentile} latency in wrk's output:\n{text}");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s*(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonOk();
}
