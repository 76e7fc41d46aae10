using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Spheres.Core.Configuration;
using Spheres.Functions.OpenApi;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// The OpenAPI document as tools read it, and the SDK built on it (clients/typescript, @spheres/api-client): Redocly's
/// lint is clean; the SDK's types are exactly what openapi-typescript makes of GET /api/openapi.json (the document and
/// the SDK cannot drift); and the package <c>npm pack</c> builds, installed as a frontend installs it, carries the seed's
/// flows typed by path under <c>tsc --strict</c>, without casts, against DevHost. The tools are pinned in package.json.
/// </summary>
public sealed class OpenApiClientTests
{
    private const string PackageFile = "spheres-api-client-1.0.0.tgz";
    private const string TelegramBotToken = "123456789:AAEabcdefghijabcdefghijabcdefghijabcdefghij";
    private static readonly string Sdk = Path.Combine(RepositoryRoot.Path, "clients", "typescript");

    private static string Tool(params string[] path) => Path.Combine([RepositoryRoot.Path, "node_modules", .. path]);

    [Fact]
    public async Task Redocly_lint_is_clean()
    {
        using var work = new WorkFolder();
        var document = work.Write("openapi.json", OpenApiDocument.Utf8);

        var (exit, output) = await RunAsync(work.Path, "node", Tool("@redocly", "cli", "bin", "cli.js"), "lint", document,
            "--config", Path.Combine(RepositoryRoot.Path, "redocly.yaml"));

        Assert.True(exit == 0, output);
        Assert.Contains("Your API description is valid", output);
        Assert.DoesNotMatch(@"You have \d+ warning", output); // warnings too, not only errors
    }

    [Fact]
    public async Task The_sdk_types_are_what_openapi_typescript_generates_from_the_served_document()
    {
        await using var host = await TestHost.StartSharedAsync();
        using var work = new WorkFolder();
        work.Write("openapi.json", await (await host.Client.GetAsync("/api/openapi.json")).Content.ReadAsByteArrayAsync());

        var generate = await RunAsync(work.Path, "node", Tool("openapi-typescript", "bin", "cli.js"), "openapi.json", "--output", "schema.ts");
        Assert.True(generate.Exit == 0, generate.Output);

        var committed = File.ReadAllText(Path.Combine(Sdk, "src", "schema.ts"));
        var generated = File.ReadAllText(Path.Combine(work.Path, "schema.ts"));
        Assert.True(committed == generated,
            "clients/typescript/src/schema.ts is not what the document generates: with ./run.sh up, run `npm run generate` in clients/typescript. " +
            FirstDifference(committed, generated));
        Assert.Contains("\"/api/integrations/api/{id}/working_hours/\": {", committed); // paths as the contract writes them
    }

    [Fact]
    public async Task The_seed_flows_run_through_the_packed_sdk_typed_by_path_under_tsc_strict()
    {
        var flows = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Spheres.Tests", "Hosting", "GeneratedClient", "flows.mts"));
        var code = string.Join("\n", flows.Split('\n').Select(line => line.Split("//")[0]));
        Assert.DoesNotMatch(@"\bas\s+[A-Za-z{\[]|<any>|\bany\b|\bnull\b|[\w)\]]!\s*[.)\],;]", code); // no casts, any, nulls or non-null assertions

        using var work = new WorkFolder();
        var pack = await RunAsync(Sdk, "npm", "pack", "--pack-destination", work.Path);
        Assert.True(pack.Exit == 0, pack.Output);
        Assert.Contains(PackageFile, pack.Output);
        var installed = Install(Path.Combine(work.Path, PackageFile), work.Path);
        foreach (var file in new[] { "package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/schema.d.ts" })
        {
            Assert.True(File.Exists(Path.Combine(installed, file)), $"the package has no {file}");
        }

        await using var telegram = await FakeTelegram.StartAsync();
        await using var oauth = await FakeOAuthServer.StartAsync();
        var settings = oauth.Settings();
        settings[SettingNames.TelegramApiBaseUrl] = telegram.BaseUrl;
        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString, settings, onKestrel: true);
        work.Write("flows.mts", System.Text.Encoding.UTF8.GetBytes(flows));
        work.Write("config.mts", System.Text.Encoding.UTF8.GetBytes(
            $"export const baseUrl = \"{host.KestrelUrl}\";\nexport const functionKey = \"{TestHost.FunctionKey}\";\n" +
            $"export const telegramBotToken = \"{TelegramBotToken}\";\n"));

        var compile = await RunAsync(work.Path, "node", Tool("typescript", "bin", "tsc"), "--strict", "--noUncheckedIndexedAccess",
            "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", "--skipLibCheck", "false",
            "--outDir", "out", "flows.mts", "config.mts");
        Assert.True(compile.Exit == 0, compile.Output);
        var run = await RunAsync(work.Path, "node", Path.Combine(work.Path, "out", "flows.mjs"));
        Assert.True(run.Exit == 0, run.Output);
        Assert.Contains("seed flows ok", run.Output);
        Assert.Contains("7 rows, monday 00:00-24:00", run.Output);
        Assert.Contains("badges google-calendar=Finish setup telegram=Connected, 412 412, refreshes 1", run.Output);
        Assert.Single(telegram.CallsOf("deleteWebhook")); // the disconnect reached Telegram
    }

    /// <summary>
    /// The tarball unpacked as npm installs it: <c>node_modules/@spheres/api-client</c> of the folder. Its dependency
    /// (openapi-fetch) resolves from the repository's node_modules above, where npm ci put it.
    /// </summary>
    private static string Install(string tarball, string folder)
    {
        var unpacked = Path.Combine(folder, "unpacked");
        Directory.CreateDirectory(unpacked);
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            TarFile.ExtractToDirectory(gzip, unpacked, overwriteFiles: false);
        }
        var installed = Path.Combine(folder, "node_modules", "@spheres", "api-client");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        Directory.Move(Path.Combine(unpacked, "package"), installed);
        return installed;
    }

    private static string FirstDifference(string expected, string actual)
    {
        var index = 0;
        while (index < expected.Length && index < actual.Length && expected[index] == actual[index]) index++;
        string Around(string text) => text.Substring(Math.Max(0, index - 80), Math.Min(160, text.Length - Math.Max(0, index - 80)));
        return $"First difference at character {index}:\ncommitted: {Around(expected)}\ngenerated: {Around(actual)}";
    }

    private static async Task<(int Exit, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["npm_config_update_notifier"] = "false";
        start.Environment["npm_config_fund"] = "false";
        start.Environment["npm_config_audit"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>
    /// A folder below the repository (in the test binaries' bin/, which git ignores), so that Node resolves the packages
    /// npm ci installed in the repository's node_modules, as it would in a frontend's project.
    /// </summary>
    private sealed class WorkFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(AppContext.BaseDirectory, "sdk-work", Guid.NewGuid().ToString("N"))).FullName;

        public string Write(string name, ReadOnlySpan<byte> content)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllBytes(file, content.ToArray());
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
