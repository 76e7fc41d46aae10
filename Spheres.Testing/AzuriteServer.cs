using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Spheres.Testing;

/// <summary>
/// A real Azurite (the npm package pinned in package.json) on free loopback ports, in memory.
/// <see cref="Shared"/> serves every test that only needs storage; tests that stop storage or
/// need an empty account start their own.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    // The emulator's documented, public development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<AzuriteServer>> SharedServer = new(() => StartAsync());

    private readonly (int Blob, int Queue, int Table) _ports;
    private readonly string? _location;
    private readonly bool _keyedLookups;
    private Process? _process;

    private AzuriteServer((int, int, int) ports, string? location, bool keyedLookups)
    {
        _ports = ports;
        _location = location;
        _keyedLookups = keyedLookups;
    }

    public static Task<AzuriteServer> Shared => SharedServer.Value;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports.Blob}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{_ports.Queue}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{_ports.Table}/{AccountName};";

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="persistent">Keep data on disk (a temp folder), so a stop and restart is an outage, not a wipe.</param>
    /// <param name="keyedLookups">Benchmarks only: Azurite finds entities by key instead of reading their whole partition
    /// (<c>azurite-keyed-lookups.js</c> beside this file says how); what it stores and answers is the same.</param>
    public static async Task<AzuriteServer> StartAsync(bool persistent = false, bool keyedLookups = false)
    {
        var location = persistent ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
        for (var attempt = 1; ; attempt++)
        {
            var server = new AzuriteServer((FreePort(), FreePort(), FreePort()), location, keyedLookups);
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // A free port can be taken by another test run between asking for it and Azurite binding it: new ports.
                await server.StopAsync(); // not DisposeAsync: a persistent location is reused by the next attempt
            }
        }
    }

    /// <summary>
    /// Stops the emulator, as an outage would. It is asked to shut down (SIGTERM) so a persistent
    /// one saves its data first; in-memory data goes with it either way.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await term.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        _process = null;
    }

    /// <summary>Starts the emulator again on the same ports.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null) Directory.Delete(_location, recursive: true);
    }

    private async Task StartProcessAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing): run `npm ci` in the repository root.");
        }
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--skipApiVersionCheck", "--loose", "--silent", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", _ports.Blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", _ports.Queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", _ports.Table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (_keyedLookups)
        {
            start.ArgumentList.Insert(0, "--require");
            start.ArgumentList.Insert(1, Path.Combine(RepositoryRoot.Path, "Spheres.Testing", "azurite-keyed-lookups.js"));
        }
        if (_location is null) start.ArgumentList.Add("--inMemoryPersistence");
        else { start.ArgumentList.Add("--location"); start.ArgumentList.Add(_location); }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { process.Kill(true); } catch (InvalidOperationException) { } };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { _ports.Blob, _ports.Queue, _ports.Table })
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} while starting.");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Azurite did not open port {port} within 30 s.");
                await Task.Delay(50);
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Spheres.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Spheres.sln not found above the test binaries.");
    }
}
