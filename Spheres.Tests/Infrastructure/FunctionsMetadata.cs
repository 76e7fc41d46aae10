using System.Reflection;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>One function as the Functions SDK generated it for the real host (<c>functions.metadata</c>).</summary>
public sealed record FunctionMetadata(string Name, string TriggerType, string? Route, IReadOnlyList<string>? Methods, string? AuthLevel, string? Schedule);

/// <summary>
/// Reads <c>functions.metadata</c>, which the Functions SDK writes into Spheres.Functions' build output at build
/// time: what Azure will serve. It is not derived from DevHost's reflection, so comparing the two catches drift.
/// </summary>
public static class FunctionsMetadata
{
    public const string FileName = "functions.metadata";

    public static IReadOnlyList<FunctionMetadata> All { get; } = Read(Locate());

    /// <summary>
    /// Spheres.Functions/bin/{the tests' configuration}/{tfm}/functions.metadata, built with the tests (the
    /// project reference builds it first), in Debug or Release; the copy next to the tests as a fallback.
    /// </summary>
    public static string Locate()
    {
        var testsOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testsOutput);
        var configuration = typeof(FunctionsMetadata).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var candidates = new[]
        {
            Path.Combine(RepositoryRoot.Path, "Spheres.Functions", "bin", configuration, framework, FileName),
            Path.Combine(testsOutput, FileName),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No {FileName} at {string.Join(" or ", candidates)}: build Spheres.Functions (dotnet build Spheres.sln).");
    }

    public static IReadOnlyList<FunctionMetadata> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(function =>
        {
            var name = function.GetProperty("name").GetString()!;
            // Each function has exactly one trigger: the input binding whose type ends in "Trigger".
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
            return new FunctionMetadata(
                name,
                trigger.GetProperty("type").GetString()!,
                Optional(trigger, "route"),
                trigger.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
                    ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList() : null,
                Optional(trigger, "authLevel"),
                Optional(trigger, "schedule"));
        }).ToList();
    }

    private static string? Optional(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
