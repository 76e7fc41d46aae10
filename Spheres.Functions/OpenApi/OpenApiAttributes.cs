namespace Spheres.Functions.OpenApi;

/// <summary>Describes an HTTP function for <c>/api/openapi.json</c>. Every HTTP function carries one.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;
    public string Summary { get; } = summary;
    public string? Description { get; init; }

    /// <summary>The JSON request body's type, when the operation takes one.</summary>
    public Type? RequestBody { get; init; }

    /// <summary>For a JSON array body: the most items the handler takes (0: no bound).</summary>
    public int BodyMaxItems { get; init; }

    /// <summary>Whether the operation needs <c>Authorization: Bearer</c> (401 is then documented for it).</summary>
    public bool RequiresBearer { get; init; }

    /// <summary>True for the few operations that never touch storage (no 503 is documented for them).</summary>
    public bool NoStorage { get; init; }
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;
    public string Description { get; } = description;

    /// <summary>The JSON body's type; problems (4xx/5xx) need none, they share the Problem schema.</summary>
    public Type? Body { get; init; }

    /// <summary>Response headers worth documenting, such as ETag.</summary>
    public string[] Headers { get; init; } = [];
}

/// <summary>Shared responses by name (see <see cref="ApiResponseSets"/>), next to a function's own <see cref="ApiResponseAttribute"/>s.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiResponsesAttribute(params ApiResponseSet[] sets) : Attribute
{
    public IReadOnlyList<ApiResponseSet> Sets { get; } = sets;
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiQueryAttribute(string name, Type type, string description) : Attribute
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public string Description { get; } = description;

    /// <summary>The values a string parameter takes, when they are a fixed set.</summary>
    public string[]? Enum { get; init; }

    /// <summary>Bounds of an integer parameter (attribute properties cannot be nullable, so 0/0 means none).</summary>
    public long MinimumValue { get; init; }

    public long MaximumValue { get; init; }

    /// <summary>The handler refuses the request without it (400 naming it).</summary>
    public bool Required { get; init; }

    /// <summary>A JSON Schema format the value must have (<c>date</c>, <c>email</c>).</summary>
    public string? Format { get; init; }

    /// <summary>A pattern a string value must match, as the handler checks it.</summary>
    public string? Pattern { get; init; }

    /// <summary>
    /// Valid values to show (and for generated requests to use) where validity is a lookup the schema cannot state,
    /// such as "an active sphere of the catalog".
    /// </summary>
    public string[]? Examples { get; init; }

    /// <summary>Length bounds of a string value (0 means none).</summary>
    public int MinLength { get; init; }

    public int MaxLength { get; init; }

    internal long? Minimum => MinimumValue == 0 && MaximumValue == 0 ? null : MinimumValue;

    internal long? Maximum => MinimumValue == 0 && MaximumValue == 0 ? null : MaximumValue;
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiHeaderAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public bool Required { get; init; }
}

/// <summary>
/// A JSON request body to show (the media type's <c>examples</c>): a valid request a caller can send as it is. The conformance
/// test sends each one and expects no 400.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiExampleAttribute(string summary, string json) : Attribute
{
    public string Summary { get; } = summary;
    public string Json { get; } = json;
}
