using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Spheres.Functions.Http;

namespace Spheres.Functions.OpenApi;

/// <summary>
/// JSON schemas of the API's request and response records as named components, the way the API
/// really behaves:
/// - responses: every property is always written, so all are required; null only where C# allows it;
/// - requests: only <see cref="RequiredAttribute"/> properties are required, and never null; an optional one may be
///   null, which is the same as leaving it out (JSON serializers write nulls for unset fields), unless
///   <see cref="ApiNullableAttribute"/> says null means something of its own there (it clears the field);
/// - <see cref="StringLengthAttribute"/>, <see cref="RangeAttribute"/>, <see cref="RegularExpressionAttribute"/>,
///   <see cref="AllowedValuesAttribute"/>, <see cref="MinLengthAttribute"/>/<see cref="MaxLengthAttribute"/> (characters of a
///   string, items of a list), <see cref="EmailAddressAttribute"/> and <see cref="ApiFormatAttribute"/> on a property become
///   maxLength/minLength, minimum/maximum, pattern, enum, minItems/maxItems and format; <see cref="ApiExamplesAttribute"/>
///   examples; on a request record, <see cref="ApiClosedAttribute"/>, <see cref="ApiOneOfAttribute"/> and
///   <see cref="ApiRequiredUnlessFalseAttribute"/> become additionalProperties/minProperties, oneOf/not and anyOf;
/// - <c>settings</c> and <c>credentials</c> objects map names to strings.
/// </summary>
internal sealed class OpenApiSchemas
{
    private const string RefPrefix = "#/components/schemas/";

    public JsonObject Components { get; } = new();

    /// <summary>The schema of a body type: a $ref to its component, or an array of them.</summary>
    public JsonNode For(Type type, bool request) => Export(type, request, root: null);

    /// <summary>A parameter's or a primitive's schema, inline.</summary>
    public static JsonNode Inline(Type type) =>
        ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });

    /// <summary>The API's own records (not arrays or lists of them): each is one named component.</summary>
    public static bool IsContract(Type type) =>
        type.IsClass && !type.IsArray && !type.IsGenericType && type.Namespace?.StartsWith("Spheres.Functions", StringComparison.Ordinal) == true;

    public static string ComponentName(Type type) =>
        type == typeof(ProblemBody) ? "Problem"
        : type.Name.EndsWith("Json", StringComparison.Ordinal) ? type.Name[..^4]
        : type.Name;

    private JsonNode Reference(Type type, bool request)
    {
        var name = ComponentName(type);
        if (!Components.ContainsKey(name))
        {
            Components[name] = null; // placeholder: a type that contains itself refers, not recurses
            Components[name] = Export(type, request, root: type);
        }
        return new JsonObject { ["$ref"] = RefPrefix + name };
    }

    private JsonNode Export(Type type, bool request, Type? root) =>
        ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, request, root),
        });

    private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, bool request, Type? root)
    {
        var type = context.TypeInfo.Type;
        if (IsContract(type) && type != root)
        {
            var reference = Reference(type, request);
            return IsNullable(node) && (!request || NullAllowed(context))
                ? new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) }
                : reference;
        }
        if (node is not JsonObject schema) return node;
        if (context.PropertyInfo is { } property)
        {
            Describe(schema, property, request);
        }
        else if (type == root && context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            var required = context.TypeInfo.Properties
                .Where(p => request ? Has<RequiredAttribute>(p) : !Has<JsonIgnoreAttribute>(p))
                .Select(p => (JsonNode)p.Name).ToArray();
            schema.Remove("required");
            if (required.Length > 0) schema["required"] = new JsonArray(required);
            if (request && type.GetCustomAttribute<ApiClosedAttribute>() is { } closed)
            {
                // The handler refuses fields it does not know, and a body with none.
                schema["additionalProperties"] = false;
                if (closed.MinProperties > 0) schema["minProperties"] = closed.MinProperties;
            }
            if (type.GetCustomAttribute<ApiExamplesAttribute>() is { } examples) schema["examples"] = examples.ToJson();
            if (request && type.GetCustomAttribute<ApiOneOfAttribute>() is { } oneOf) oneOf.Apply(schema);
            if (request && type.GetCustomAttribute<ApiRequiredUnlessFalseAttribute>() is { } unless) unless.Apply(schema);
        }
        return schema;
    }

    private static void Describe(JsonObject schema, JsonPropertyInfo property, bool request)
    {
        var optionalInResponse = !request && Has<JsonIgnoreAttribute>(property); // left out when null, never null
        // "default": null (from an optional constructor parameter) says nothing, and typed clients read a default as "always present".
        if (schema.TryGetPropertyValue("default", out var fallback) && fallback is null) schema.Remove("default");
        if ((request && Has<RequiredAttribute>(property) && !Has<ApiNullableAttribute>(property)) || optionalInResponse) RemoveNull(schema);
        if (request && property.NumberHandling is { } handling && handling.HasFlag(JsonNumberHandling.AllowReadingFromString))
        {
            // An id may come as its digits in a string, as HTML forms send it.
            schema["type"] = IsNullable(schema) ? new JsonArray("integer", "string", "null") : new JsonArray("integer", "string");
            schema["pattern"] = "^[0-9]+$";
        }
        if (request && Has<ApiAlsoIntegerAttribute>(property))
            schema["type"] = IsNullable(schema) ? new JsonArray("string", "integer", "null") : new JsonArray("string", "integer");
        if (property.PropertyType == typeof(JsonObject) && property.Name is "settings" or "credentials")
        {
            // settings and credentials: names to text; a setting may be null (PATCH: clear it; stored as sent).
            var nullableValues = property.Name == "settings";
            schema["additionalProperties"] = new JsonObject { ["type"] = nullableValues ? new JsonArray("string", "null") : "string" };
        }
        foreach (var attribute in Attributes(property))
        {
            switch (attribute)
            {
                case StringLengthAttribute length:
                    if (length.MinimumLength > 0) schema["minLength"] = length.MinimumLength;
                    schema["maxLength"] = length.MaximumLength;
                    break;
                case RangeAttribute range:
                    schema["minimum"] = JsonValue.Create(Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                    schema["maximum"] = JsonValue.Create(Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case MinLengthAttribute minItems:
                    schema[property.PropertyType == typeof(string) ? "minLength" : "minItems"] = minItems.Length;
                    break;
                case MaxLengthAttribute maxItems:
                    // On a string it bounds characters, on a list items.
                    schema[property.PropertyType == typeof(string) ? "maxLength" : "maxItems"] = maxItems.Length;
                    break;
                case EmailAddressAttribute:
                    schema["format"] = "email";
                    break;
                case ApiFormatAttribute format:
                    schema["format"] = format.Format;
                    break;
                case ApiExamplesAttribute examples:
                    schema["examples"] = examples.ToJson();
                    break;
                case ApiItemsPatternAttribute items when schema["items"] is JsonObject itemSchema:
                    itemSchema["pattern"] = items.Pattern;
                    break;
                case RegularExpressionAttribute regex:
                    schema["pattern"] = regex.Pattern;
                    break;
                case AllowedValuesAttribute allowed:
                    var values = new JsonArray(allowed.Values.Select(v => JsonValue.Create(v?.ToString())).ToArray<JsonNode?>());
                    if (IsNullable(schema)) values.Add(null);
                    schema["enum"] = values;
                    break;
                case DescriptionAttribute description:
                    schema["description"] = description.Text;
                    break;
            }
        }
    }

    /// <summary>In a request: on an optional property (null: not given) or an <see cref="ApiNullableAttribute"/> one.</summary>
    private static bool NullAllowed(JsonSchemaExporterContext context) =>
        context.PropertyInfo is { } p && (!Has<RequiredAttribute>(p) || Has<ApiNullableAttribute>(p));

    private static bool IsNullable(JsonNode node) =>
        node is JsonObject { } o && o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");

    private static void RemoveNull(JsonObject schema)
    {
        if (schema["type"] is not JsonArray types) return;
        var rest = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
        schema["type"] = rest.Count == 1 ? rest[0] : new JsonArray(rest.Select(t => (JsonNode)t).ToArray());
    }

    private static bool Has<T>(JsonPropertyInfo property) where T : Attribute => Attributes(property).OfType<T>().Any();

    private static IEnumerable<object> Attributes(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [];
}
