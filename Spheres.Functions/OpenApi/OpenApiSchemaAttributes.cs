using System.Text.Json.Nodes;

namespace Spheres.Functions.OpenApi;

// Attributes on request and response records that OpenApiSchemas turns into JSON Schema keywords (docs/openapi.md).

/// <summary>A request body whose handler refuses unknown fields (and, with <see cref="MinProperties"/>, a body naming too few).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiClosedAttribute : Attribute
{
    public int MinProperties { get; init; }
}

/// <summary>
/// Fields of which a request names one (<see cref="Required"/>) or at most one: <c>oneOf</c> of their <c>required</c>, or
/// <c>not</c> all of them. A request naming two would be refused where they disagree; the document asks for one.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiOneOfAttribute(params string[] fields) : Attribute
{
    public IReadOnlyList<string> Fields { get; } = fields;
    public bool Required { get; init; }

    internal void Apply(JsonObject schema)
    {
        if (Required) schema["oneOf"] = new JsonArray(Fields.Select(f => (JsonNode)new JsonObject { ["required"] = new JsonArray(f) }).ToArray());
        else
        {
            // The names are declared again inside "not", so that tools read them as the object's own properties.
            schema["not"] = new JsonObject
            {
                ["properties"] = new JsonObject(Fields.Select(f => KeyValuePair.Create(f, (JsonNode?)new JsonObject()))),
                ["required"] = new JsonArray(Fields.Select(f => (JsonNode)f).ToArray()),
            };
        }
    }
}

/// <summary>
/// <see cref="Fields"/> are strings, given, unless <see cref="Flag"/> is false (its default is true): a working-hours row has
/// both times unless it is disabled.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ApiRequiredUnlessFalseAttribute(string flag, params string[] fields) : Attribute
{
    public string Flag { get; } = flag;
    public IReadOnlyList<string> Fields { get; } = fields;

    // Inside allOf, so that typed clients read it as the object's fields and one of two cases (an intersection), not a union.
    internal void Apply(JsonObject schema) => schema["allOf"] = new JsonArray(new JsonObject
    {
        ["anyOf"] = new JsonArray(
            new JsonObject
            {
                ["properties"] = new JsonObject { [Flag] = new JsonObject { ["const"] = false } },
                ["required"] = new JsonArray(Flag),
            },
            new JsonObject
            {
                ["properties"] = new JsonObject(Fields.Select(f => KeyValuePair.Create(f, (JsonNode?)new JsonObject { ["type"] = "string" }))),
                ["required"] = new JsonArray(Fields.Select(f => (JsonNode)f).ToArray()),
            }),
    });
}

/// <summary>A string in a request that may also come as a whole number (a platform's numeric id), kept as its digits.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ApiAlsoIntegerAttribute : Attribute;

/// <summary>In a request, null is a meaningful value of this property (it clears something), not just "not given".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ApiNullableAttribute : Attribute;

/// <summary>A JSON Schema format the handler checks (<c>date</c>, <c>date-time</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ApiFormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>
/// Valid values (raw JSON each) where validity is a lookup or a relation the schema cannot state: an active sphere, an IANA
/// zone, a row whose start is before its end. Generated requests draw from them (docs/openapi.md).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class ApiExamplesAttribute(params string[] json) : Attribute
{
    public IReadOnlyList<string> Json { get; } = json;

    internal JsonArray ToJson() => new(Json.Select(j => JsonNode.Parse(j)).ToArray());
}

/// <summary>A pattern each string of a list property matches.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ApiItemsPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>A property's description in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DescriptionAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
