using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for tests: MailDev (the npm package pinned in package.json) on free loopback
/// ports, its mails kept in a temp folder, read back through its REST API (<c>GET /api/email</c>).
/// </summary>
public sealed class MailDevServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _api;

    private MailDevServer(Process process, string directory, int smtpPort, int webPort)
    {
        _process = process;
        _directory = directory;
        SmtpPort = smtpPort;
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/") };
    }

    public int SmtpPort { get; }

    public sealed record Mail(string To, string Subject, string Text);

    public static async Task<MailDevServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync();
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // A free port can be taken by another test's server between asking for it and MailDev binding it: new ports.
            }
        }
    }

    private static async Task<MailDevServer> StartOnFreePortsAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "node_modules", "maildev", "dist", "bin", "maildev.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"MailDev is not installed ({script} is missing): run `npm ci` in the repository root.");
        var smtp = AzuriteServer.FreePort();
        var web = AzuriteServer.FreePort();
        if (web == smtp) throw new InvalidOperationException("The same free port came back twice."); // a new attempt asks again
        var directory = Directory.CreateTempSubdirectory("maildev-").FullName;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--silent", "--ip", "127.0.0.1", "--smtp", smtp.ToString(), "--web-ip", "127.0.0.1", "--web", web.ToString(), "--mail-directory", directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for MailDev.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { process.Kill(true); } catch (InvalidOperationException) { } };
        var server = new MailDevServer(process, directory, smtp, web);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await server.IsUpAsync())
        {
            if (process.HasExited)
            {
                Directory.Delete(directory, recursive: true);
                throw new InvalidOperationException($"MailDev exited with code {process.ExitCode} while starting.");
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("MailDev did not answer within 30 s.");
            await Task.Delay(100);
        }
        return server;
    }

    public async Task<IReadOnlyList<Mail>> InboxAsync()
    {
        var mails = await _api.GetFromJsonAsync<JsonElement>("api/email");
        return [.. mails.EnumerateArray().Select(m => new Mail(
            m.GetProperty("envelope").GetProperty("to")[0].GetProperty("address").GetString()!,
            m.GetProperty("subject").GetString() ?? "",
            m.GetProperty("text").GetString() ?? ""))];
    }

    /// <summary>The mails to <paramref name="to"/>, waiting (bounded) for <paramref name="count"/> of them to arrive.</summary>
    public async Task<IReadOnlyList<Mail>> WaitForMailsAsync(string to, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var mails = (await InboxAsync()).Where(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase)).ToList();
            if (mails.Count >= count || DateTime.UtcNow > deadline) return mails;
            await Task.Delay(100);
        }
    }

    private async Task<bool> IsUpAsync()
    {
        try
        {
            return (await _api.GetAsync("api/healthz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
