using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>Reading providers' JSON: a field the documented shape requires is a non-empty string, or the delivery is malformed (400).</summary>
public static class PayloadFields
{
    /// <summary>The string at <paramref name="name"/>; <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/> otherwise.</summary>
    public static string RequiredText(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() is { Length: > 0 } text ? text : throw new InvalidOperationException($"{name} is empty.");
}
