namespace Spheres.Core.Problems;

/// <summary>Collects field errors by JSON name, then throws them all as one 400.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    /// <summary>Enough to fix a request; more would only grow the answer (and the work) with the input.</summary>
    public const int MaxFields = 50;
    public const int MaxMessagesPerField = 5;

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var messages))
        {
            if (_byField.Count >= MaxFields) return;
            _byField[field] = messages = [];
        }
        if (messages.Count < MaxMessagesPerField) messages.Add(message);
    }

    public bool Any => _byField.Count > 0;

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void ThrowIfAny()
    {
        if (Any) throw ProblemException.Validation(ToDictionary());
    }
}
