using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Spheres.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled to ARM JSON by the Bicep CLI that restore put in the NuGet
/// package folder (infra/tools/Bicep.props). Compiled once per test class.
/// </summary>
public sealed class CompiledTemplate : IDisposable
{
    public CompiledTemplate()
    {
        RepositoryRoot = AssemblyMetadata("RepositoryRoot");
        var bicep = AssemblyMetadata("BicepCliPath");
        if (!File.Exists(bicep))
        {
            throw new InvalidOperationException(
                $"No Bicep CLI at {bicep}: run `dotnet restore Spheres.Tests` (it downloads Azure.Bicep.CommandLine.linux-x64).");
        }
        EnsureExecutable(bicep);

        var (exitCode, stdout, stderr) = Run(bicep, "build", Path.Combine(RepositoryRoot, "infra", "main.bicep"), "--stdout");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({exitCode}):\n{stderr}");
        }
        Text = stdout;
        Diagnostics = stderr;
        Document = JsonDocument.Parse(stdout);
    }

    public string RepositoryRoot { get; }

    /// <summary>The ARM JSON as text.</summary>
    public string Text { get; }

    /// <summary>What bicep printed besides the template: warnings and errors, if any.</summary>
    public string Diagnostics { get; }

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    /// <summary>Every resource the template deploys, those of the modules (nested deployments)
    /// included; references to existing resources are left out. A resource is any object with a
    /// string "type" and "apiVersion"; this holds whether the template lists resources as an
    /// array or (languageVersion 2.0) as an object.</summary>
    public IEnumerable<JsonElement> Resources =>
        FindResources(Root).Where(r => !(r.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True));

    public IEnumerable<JsonElement> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement SingleResource(string type) => Assert.Single(ResourcesOfType(type));

    public void Dispose() => Document.Dispose();

    private static IEnumerable<JsonElement> FindResources(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                element.TryGetProperty("apiVersion", out var apiVersion) && apiVersion.ValueKind == JsonValueKind.String)
            {
                yield return element;
            }
            foreach (var property in element.EnumerateObject())
            {
                foreach (var found in FindResources(property.Value))
                {
                    yield return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in FindResources(item))
                {
                    yield return found;
                }
            }
        }
    }

    private static string AssemblyMetadata(string key) =>
        typeof(CompiledTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Spheres.Tests.csproj sets no AssemblyMetadata '{key}'.");

    // NuGet extracts files with the mode stored in the package; the owner may lack +x.
    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // Read both streams concurrently so a full stderr pipe cannot block the compiler.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bicep build did not finish within 3 minutes.");
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
