namespace Spheres.Core.WorkingHours;

/// <summary>
/// Collects messages per field in the shape ProblemDetails' <c>errors</c> uses
/// (<c>field -> messages</c>), so the HTTP layer can return it as is.
/// </summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> messages = new(StringComparer.Ordinal);

    public void Add(string field, string message)
    {
        if (!messages.TryGetValue(field, out var list))
        {
            if (messages.Count >= Problems.FieldErrors.MaxFields) return;
            messages[field] = list = [];
        }
        if (list.Count < Problems.FieldErrors.MaxMessagesPerField) list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        messages.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
