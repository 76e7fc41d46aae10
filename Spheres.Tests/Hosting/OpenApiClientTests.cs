using System.Diagnostics;
using Spheres.Functions.OpenApi;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// The OpenAPI document as tools read it: Redocly CLI's lint is clean, and a TypeScript client generated
/// with openapi-typescript carries the seed's flows under <c>tsc --strict</c> without casts or explicit
/// nulls, and those flows then run against DevHost. All three tools are pinned in package.json.
/// </summary>
public sealed class OpenApiClientTests
{
    private static string Tool(params string[] path) => Path.Combine([RepositoryRoot.Path, "node_modules", .. path]);

    [Fact]
    public async Task Redocly_lint_is_clean()
    {
        using var work = new TempFolder();
        var document = work.Write("openapi.json", OpenApiDocument.Utf8);

        var (exit, output) = await NodeAsync(work.Path, Tool("@redocly", "cli", "bin", "cli.js"), "lint", document,
            "--config", Path.Combine(RepositoryRoot.Path, "redocly.yaml"));

        Assert.True(exit == 0, output);
        Assert.Contains("Your API description is valid", output);
        Assert.DoesNotMatch(@"You have \d+ warning", output); // warnings too, not only errors
    }

    [Fact]
    public async Task A_generated_typescript_client_does_the_seed_flows_under_tsc_strict_and_they_run()
    {
        var flows = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Spheres.Tests", "Hosting", "GeneratedClient", "flows.mts"));
        var code = string.Join("\n", flows.Split('\n').Select(line => line.Split("//")[0]));
        Assert.DoesNotMatch(@"\bas\s+[A-Za-z{\[]|<any>|\bany\b|\bnull\b|[\w)\]]!\s*[.)\],;]", code); // no casts, any, nulls or non-null assertions

        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString, onKestrel: true);
        using var work = new TempFolder();
        work.Write("openapi.json", OpenApiDocument.Utf8);
        work.Write("flows.mts", System.Text.Encoding.UTF8.GetBytes(flows));
        work.Write("config.mts", System.Text.Encoding.UTF8.GetBytes(
            $"export const baseUrl = \"{host.KestrelUrl}\";\nexport const functionKey = \"{TestHost.FunctionKey}\";\n"));

        var generate = await NodeAsync(work.Path, Tool("openapi-typescript", "bin", "cli.js"), "openapi.json", "--output", "api.d.ts");
        Assert.True(generate.Exit == 0, generate.Output);
        var compile = await NodeAsync(work.Path, Tool("typescript", "bin", "tsc"), "--strict", "--target", "es2022", "--module", "nodenext",
            "--moduleResolution", "nodenext", "--lib", "es2022,dom", "--skipLibCheck", "false", "--outDir", "out", "flows.mts", "config.mts");
        Assert.True(compile.Exit == 0, compile.Output);
        var run = await NodeAsync(work.Path, Path.Combine(work.Path, "out", "flows.mjs"));
        Assert.True(run.Exit == 0, run.Output);
        Assert.Contains("seed flows ok", run.Output);
        Assert.Contains("7 rows", run.Output);
    }

    private static async Task<(int Exit, string Output)> NodeAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("openapi-client-").FullName;

        public string Write(string name, ReadOnlySpan<byte> content)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllBytes(file, content.ToArray());
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
