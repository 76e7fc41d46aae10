using System.Diagnostics;
using System.Net;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// One measured phase against one target. CPU time and allocations are this whole process's
/// (load generator included), so only their difference between targets is the server's.
/// </summary>
public sealed record LoadResult(long Requests, long Errors, TimeSpan Elapsed, double P50Ms, double P99Ms, TimeSpan Cpu, long AllocatedBytes)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    public double CpuMicrosecondsPerRequest => Cpu.TotalMicroseconds / Math.Max(Requests, 1);
    public double AllocatedBytesPerRequest => (double)AllocatedBytes / Math.Max(Requests, 1);
}

/// <summary>
/// A closed-loop load generator: N workers, each sends a GET, reads the whole body, and sends the
/// next one, so at most N requests are in flight. Bounded by time and by a request count.
/// </summary>
public sealed class LoadGenerator(HttpClient client, Uri url, int expectedLength)
{
    /// <summary>A ceiling on requests per phase, far above what loopback reaches in the phase's time.</summary>
    private const long MaxRequestsPerPhase = 20_000_000;
    private const long MaxErrorsPerPhase = 1_000;

    public static HttpClient CreateClient(int connections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Runs <paramref name="workers"/> loops for <paramref name="duration"/> or until cancelled; latencies in ms, nearest rank.</summary>
    public async Task<LoadResult> RunAsync(int workers, TimeSpan duration, CancellationToken cancellationToken)
    {
        long issued = 0;
        long errors = 0;
        var latencies = new List<long>[workers];
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task Worker(int index)
        {
            var mine = latencies[index] = new List<long>(capacity: 64 * 1024);
            var buffer = new byte[Math.Max(expectedLength, 1) + 1];
            while (Stopwatch.GetTimestamp() < deadline
                && !cancellationToken.IsCancellationRequested
                && Interlocked.Increment(ref issued) <= MaxRequestsPerPhase
                && Interlocked.Read(ref errors) < MaxErrorsPerPhase)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    var length = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer.AsMemory(Math.Min(length, expectedLength))).ConfigureAwait(false)) > 0)
                    {
                        length += read;
                    }
                    if (response.StatusCode != HttpStatusCode.OK || length != expectedLength)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }
                mine.Add(Stopwatch.GetTimestamp() - sent);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(() => Worker(i))));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Percentile(double p) => all.Length == 0 ? double.NaN
            : all[Math.Clamp((int)Math.Ceiling(p * all.Length) - 1, 0, all.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(all.Length, errors, elapsed, Percentile(0.50), Percentile(0.99), cpu, allocated);
    }
}
