using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// A real Azurite from the repository's node_modules on free loopback ports, in memory, started as
/// Spheres.Tests' AzuriteServer starts it (duplicated here: the benchmarks do not reference the tests).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    // The emulator's documented, public development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly (int Blob, int Queue, int Table) _ports;

    private AzuriteProcess(Process process, (int, int, int) ports)
    {
        _process = process;
        _ports = ports;
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports.Blob}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{_ports.Queue}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{_ports.Table}/{AccountName};";

    public static async Task<AzuriteProcess> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing): run `npm ci` in the repository root.");
        }
        (int Blob, int Queue, int Table) ports = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, ports);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
            {
                while (!await Loopback.AcceptsAsync(port))
                {
                    if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} while starting.");
                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"Azurite did not open port {port} within 30 s.");
                    await Task.Delay(50);
                }
            }
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

internal static class Loopback
{
    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port)
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
}

internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Spheres.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Spheres.sln not found above the benchmark binaries or the working directory.");
    }
}
