using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Json.Schema;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// CsCheck generators of values a JSON schema of the served OpenAPI document allows, read from what the schema states:
/// $ref, examples (a lookup or a relation the schema cannot state: only they are drawn), enum, oneOf/anyOf, type (with
/// null), object properties (required always, the rest now and then, oneOf of required names, not-all-of), array bounds,
/// string length, format (date, date-time, email) and integer bounds. A pattern needs examples, as it cannot be drawn.
/// </summary>
public sealed class SchemaGen
{
    private readonly JsonElement _document;

    /// <summary>The document with its components as <c>$defs</c>, so each of its schemas is a whole JSON Schema with them.</summary>
    private readonly JsonNode _standalone;

    public SchemaGen(JsonElement document)
    {
        _document = document;
        _standalone = JsonNode.Parse(document.GetRawText().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal))!;
    }

    /// <summary>Values of the schema at <paramref name="pointer"/> (a JSON pointer into the document).</summary>
    public Gen<JsonNode?> At(string pointer) => For(Resolve(pointer));

    /// <summary>Why <paramref name="value"/> is not what the schema at <paramref name="pointer"/> allows, or null if it is.</summary>
    public string? Violation(string pointer, JsonNode? value)
    {
        var node = Segments(pointer).Aggregate(_standalone, (n, segment) => n is JsonArray a ? a[int.Parse(segment, CultureInfo.InvariantCulture)]! : n[segment]!)
            .DeepClone().AsObject();
        node["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        node["$defs"] = _standalone["components"]!["schemas"]!.DeepClone();
        var schema = JsonSchema.FromText(node.ToJsonString());
        var result = schema.Evaluate(value, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        return result.IsValid ? null : string.Join("; ", result.Details.Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
    }

    /// <summary>A JSON pointer segment: '~' and '/' escaped.</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private JsonElement Resolve(string pointer)
    {
        var node = _document;
        foreach (var name in Segments(pointer))
            node = node.ValueKind == JsonValueKind.Array ? node[int.Parse(name, CultureInfo.InvariantCulture)] : node.GetProperty(name);
        return node;
    }

    private static IEnumerable<string> Segments(string pointer) =>
        pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));

    private Gen<JsonNode?> For(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return For(Resolve(reference.GetString()!));
        if (schema.TryGetProperty("examples", out var examples)) return OneOf(examples);
        if (schema.TryGetProperty("enum", out var values)) return OneOf(values);
        if (schema.TryGetProperty("anyOf", out var any) || schema.TryGetProperty("oneOf", out any) && !IsRequiredOnly(any))
            return Gen.OneOf(any.EnumerateArray().Select(For).ToArray());
        var types = !schema.TryGetProperty("type", out var type) ? ["object"]
            : type.ValueKind == JsonValueKind.String ? [type.GetString()!]
            : type.EnumerateArray().Select(t => t.GetString()!).ToArray();
        var nonNull = types.Where(t => t != "null").Select(t => Typed(schema, t)).ToArray();
        if (nonNull.Length == 0) return Gen.Const<JsonNode?>((JsonNode?)null); // {"type": "null"}, the other half of an anyOf
        var gen = nonNull.Length == 1 ? nonNull[0] : Gen.OneOf(nonNull);
        return types.Contains("null") ? Gen.Frequency((4, gen), (1, Gen.Const<JsonNode?>((JsonNode?)null))) : gen;
    }

    private Gen<JsonNode?> Typed(JsonElement schema, string type) => type switch
    {
        "object" => Object(schema),
        "array" => Array(schema),
        "integer" => Gen.Long[Bound(schema, "minimum") ?? -1_000_000, Bound(schema, "maximum") ?? 1_000_000].Select(n => (JsonNode?)JsonValue.Create(n)),
        "number" => Gen.Double[Bound(schema, "minimum") ?? -1_000_000, Bound(schema, "maximum") ?? 1_000_000].Select(n => (JsonNode?)JsonValue.Create(n)),
        "boolean" => Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        "string" => Text(schema).Select(s => (JsonNode?)JsonValue.Create(s)),
        _ => throw new InvalidOperationException($"No generator for type {type}: {schema}"),
    };

    private Gen<JsonNode?> Object(JsonElement schema)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToList() : [];
        var required = Names(schema, "required");
        var excluded = new HashSet<string>();
        // oneOf of required names: one of them is given, the others not.
        Gen<string[]> chosen = Gen.Const(System.Array.Empty<string>());
        if (schema.TryGetProperty("oneOf", out var oneOf) && IsRequiredOnly(oneOf))
        {
            var branches = oneOf.EnumerateArray().Select(b => Names(b, "required")).ToArray();
            excluded.UnionWith(branches.SelectMany(b => b));
            chosen = Gen.Int[0, branches.Length - 1].Select(i => branches[i]);
        }
        var notAll = schema.TryGetProperty("not", out var not) ? Names(not, "required") : [];
        var minProperties = (int)(Bound(schema, "minProperties") ?? 0);
        var entries = properties.Select(property => (property.Name, Value: For(property.Value))).ToList();
        return chosen.SelectMany(branch =>
                Gen.Bool.Array[entries.Count].SelectMany(include =>
                    Sequence(entries.Where((e, i) => required.Contains(e.Name) || branch.Contains(e.Name) || (include[i] && !excluded.Contains(e.Name)))
                        .Select(e => e.Value.Select(v => (e.Name, v))).ToList())))
            .Where(list => list.Count >= minProperties && !(notAll.Length > 0 && notAll.All(n => list.Any(e => e.Name == n))))
            .Select(list => (JsonNode?)new JsonObject(list.Select(e => KeyValuePair.Create(e.Name, e.v?.DeepClone()))));
    }

    private Gen<JsonNode?> Array(JsonElement schema)
    {
        var itemSchema = schema.GetProperty("items");
        var items = For(itemSchema);
        var min = (int)(Bound(schema, "minItems") ?? 0);
        var max = (int)Math.Min(Bound(schema, "maxItems") ?? 3, Math.Max(min, 3));
        // Items drawn from examples are examples of a relation (rows of one week): distinct ones never collide.
        var distinct = Target(itemSchema).TryGetProperty("examples", out _);
        return items.Array[min, max]
            .Select(a => distinct ? a.DistinctBy(v => v?.ToJsonString()).ToArray() : a)
            .Select(a => (JsonNode?)new JsonArray(a.Select(v => v?.DeepClone()).ToArray()));
    }

    private JsonElement Target(JsonElement schema) => schema.TryGetProperty("$ref", out var r) ? Target(Resolve(r.GetString()!)) : schema;

    private static Gen<string> Text(JsonElement schema)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format == "date") return Day().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (format == "date-time")
            return Day().Select(Gen.Int[0, 86_399], (d, s) => d.ToDateTime(TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(s))).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        if (format == "email")
            return Gen.String[Gen.Char['a', 'z'], 1, 20].Select(Gen.String[Gen.Char['a', 'z'], 1, 12], (local, domain) => $"{local}@{domain}.example");
        var pattern = schema.TryGetProperty("pattern", out var p) ? p.GetString() : null;
        if (pattern is not null and not @"\S") throw new InvalidOperationException($"A string with a pattern needs examples to draw from: {schema}");
        var min = (int)(Bound(schema, "minLength") ?? (pattern is null ? 0 : 1)); // "\S" needs a character
        var max = (int)(Bound(schema, "maxLength") ?? 40);
        // "\S" (some non-space) holds for any string of this alphabet without its space.
        var alphabet = pattern is null ? "abcdefghijklmnopqrstuvwxyzАБВгдґ0123456789 -_" : "abcdefghijklmnopqrstuvwxyzАБВгдґ0123456789-_";
        return Gen.String[Gen.Char[alphabet], min, Math.Max(min, Math.Min(max, 40))];
    }

    private static Gen<DateOnly> Day() =>
        Gen.Int[new DateOnly(2000, 1, 1).DayNumber, new DateOnly(2100, 12, 31).DayNumber].Select(DateOnly.FromDayNumber);

    private static Gen<List<T>> Sequence<T>(IReadOnlyList<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(new List<T>()), (acc, gen) => acc.SelectMany(list => gen.Select(v => new List<T>(list) { v })));

    private static Gen<JsonNode?> OneOf(JsonElement choices)
    {
        var nodes = choices.EnumerateArray().Select(c => JsonNode.Parse(c.GetRawText())).ToArray();
        return Gen.Int[0, nodes.Length - 1].Select(i => nodes[i]?.DeepClone());
    }

    private static bool IsRequiredOnly(JsonElement branches) =>
        branches.EnumerateArray().All(b => b.EnumerateObject().All(p => p.Name == "required"));

    private static string[] Names(JsonElement schema, string property) =>
        schema.TryGetProperty(property, out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToArray() : [];

    private static long? Bound(JsonElement schema, string property) => schema.TryGetProperty(property, out var b) ? b.GetInt64() : null;
}
