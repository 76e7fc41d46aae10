using System.Text.Json;

namespace Spheres.DevHost;

/// <summary>
/// Reads <c>Values</c> of Spheres.Functions/local.settings.json, as <c>func start</c> does, so both
/// hosts take the same local settings. Environment variables still override them.
/// </summary>
internal static class LocalSettings
{
    public static IEnumerable<KeyValuePair<string, string?>> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("Values", out var values))
        {
            return [];
        }
        return values.EnumerateObject()
            .Select(p => new KeyValuePair<string, string?>(p.Name.Replace("__", ":", StringComparison.Ordinal), p.Value.ToString()))
            .ToList();
    }

    /// <summary>The Functions project's local.settings.json, looked for from the working directory up.</summary>
    public static string? FindFile()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Spheres.Functions", "local.settings.json");
            if (File.Exists(candidate)) return candidate;
            if (dir.Name == "Spheres.Functions" && File.Exists(Path.Combine(dir.FullName, "local.settings.json")))
                return Path.Combine(dir.FullName, "local.settings.json");
        }
        return null;
    }
}
