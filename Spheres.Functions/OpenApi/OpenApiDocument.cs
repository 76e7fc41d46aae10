using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Spheres.Functions.Http;

namespace Spheres.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document from the functions themselves (trigger attributes for paths,
/// methods and keys; <see cref="ApiOperationAttribute"/> and friends for the rest; JSON schemas
/// from the C# types with the API's own serializer options), so it cannot drift from the code.
/// </summary>
public static partial class OpenApiDocument
{
    private static readonly Lazy<byte[]> Document = new(() => JsonSerializer.SerializeToUtf8Bytes(Build(HttpFunctionCatalog.All)));

    public static byte[] Utf8 => Document.Value;

    public static JsonObject Build(IReadOnlyList<HttpFunction> functions)
    {
        var schemas = new OpenApiSchemas();
        schemas.For(typeof(ProblemBody), request: false);
        var paths = new JsonObject();
        foreach (var group in functions.GroupBy(f => PathOf(f.RouteTemplate)))
        {
            var item = new JsonObject();
            foreach (var function in group)
            {
                foreach (var method in function.HttpMethods)
                {
                    item[method.ToLowerInvariant()] = Operation(function, schemas);
                }
            }
            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Spheres API",
                ["version"] = "1.0",
                ["license"] = new JsonObject { ["name"] = "Proprietary: the Spheres product's own API, under no public license", ["identifier"] = "LicenseRef-Proprietary" },
                ["description"] = "Backend of the Spheres AI chat agent for small businesses. Paths are written as the contract writes them, " +
                                  "with their trailing slash; each also works without it.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["tags"] = new JsonArray(OpenApiTags.All.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description }).ToArray()),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                },
            },
        };
    }

    /// <summary>
    /// The path as API.md writes it: <c>/api/</c>, the route with its parameters unconstrained, and the trailing slash (a file
    /// name such as <c>openapi.json</c> has none), so a client typed by path accepts the contract's URLs.
    /// </summary>
    public static string PathOf(string routeTemplate)
    {
        var path = "/api/" + RouteConstraint().Replace(routeTemplate, "{$1}").TrimEnd('/');
        return path[(path.LastIndexOf('/') + 1)..].Contains('.', StringComparison.Ordinal) ? path : path + "/";
    }

    private static JsonObject Operation(HttpFunction function, OpenApiSchemas schemas)
    {
        var doc = function.Method.GetCustomAttribute<ApiOperationAttribute>()
            ?? throw new InvalidOperationException($"Function {function.Name} has no [ApiOperation]: document it.");
        if (!OpenApiTags.All.Any(t => t.Name == doc.Tag)) throw new InvalidOperationException($"Function {function.Name}: declare tag '{doc.Tag}' in OpenApiTags.");
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(doc.Tag),
            ["summary"] = doc.Summary,
            ["description"] = doc.Description ?? throw new InvalidOperationException($"Function {function.Name} has no Description: say what a caller must know."),
        };

        var parameters = new JsonArray();
        foreach (Match m in RouteParameter().Matches(function.RouteTemplate))
        {
            var integer = m.Groups[2].Value is "int" or "long";
            parameters.Add(new JsonObject
            {
                ["name"] = m.Groups[1].Value, ["in"] = "path", ["required"] = true,
                ["description"] = OpenApiTags.PathParameter(function.RouteTemplate, m.Groups[1].Value),
                ["schema"] = OpenApiTags.PathParameterSchema(function.RouteTemplate, m.Groups[1].Value, integer),
            });
        }
        foreach (var query in function.Method.GetCustomAttributes<ApiQueryAttribute>())
        {
            parameters.Add(new JsonObject
            {
                ["name"] = query.Name, ["in"] = "query", ["required"] = query.Required, ["description"] = query.Description,
                ["schema"] = QuerySchema(query),
            });
        }
        foreach (var header in function.Method.GetCustomAttributes<ApiHeaderAttribute>())
        {
            parameters.Add(new JsonObject
            {
                ["name"] = header.Name, ["in"] = "header", ["required"] = header.Required, ["description"] = header.Description,
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }
        if (parameters.Count > 0) operation["parameters"] = parameters;

        if (doc.RequestBody is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = BodyMedia(function, schemas.For(body, request: true), doc.BodyMaxItems) },
            };
        }

        var security = new JsonArray();
        if (!function.IsAnonymous) security.Add(new JsonObject { ["functionKey"] = new JsonArray() });
        if (doc.RequiresBearer) security.Add(new JsonObject { ["bearer"] = new JsonArray() });
        operation["security"] = security; // [] says so explicitly: a public operation

        var responses = new JsonObject();
        foreach (var response in DocumentedResponses(function).Concat(CommonResponses(function, doc))
                     .DistinctBy(r => r.Status).OrderBy(r => r.Status))
        {
            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(response, schemas);
        }
        if (responses.Count == 0)
        {
            throw new InvalidOperationException($"Function {function.Name} documents no response.");
        }
        operation["responses"] = responses;
        return operation;
    }

    /// <summary>The body's schema and its examples: every operation that takes a JSON body shows at least one valid request.</summary>
    private static JsonObject BodyMedia(HttpFunction function, JsonNode schema, int maxItems)
    {
        if (maxItems > 0) schema["maxItems"] = maxItems;
        var examples = new JsonObject();
        foreach (var (example, i) in function.Method.GetCustomAttributes<ApiExampleAttribute>().Select((e, i) => (e, i + 1)))
        {
            examples["example" + i] = new JsonObject { ["summary"] = example.Summary, ["value"] = JsonNode.Parse(example.Json) };
        }
        if (examples.Count == 0) throw new InvalidOperationException($"Function {function.Name} takes a JSON body: show one valid body with [ApiExample].");
        return new JsonObject { ["schema"] = schema, ["examples"] = examples };
    }

    /// <summary>The function's own responses and those of its named sets; a status given twice is refused, as one would vanish.</summary>
    private static List<ApiResponseAttribute> DocumentedResponses(HttpFunction function)
    {
        var sets = function.Method.GetCustomAttribute<ApiResponsesAttribute>()?.Sets ?? [];
        var documented = function.Method.GetCustomAttributes<ApiResponseAttribute>().Concat(sets.SelectMany(ApiResponseSets.Of)).ToList();
        if (documented.GroupBy(r => r.Status).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"Function {function.Name} documents {twice.Key} twice: keep one.");
        }
        return documented;
    }

    /// <summary>
    /// Answers every operation of a kind can give, added unless the function documents its own:
    /// 401 for bearer and function-key operations, 503 wherever storage is read.
    /// </summary>
    private static IEnumerable<ApiResponseAttribute> CommonResponses(HttpFunction function, ApiOperationAttribute doc)
    {
        if (doc.RequiresBearer) yield return new ApiResponseAttribute(401, "No or bad token.");
        if (!function.IsAnonymous) yield return new ApiResponseAttribute(401, "Missing or wrong function key.");
        if (!doc.NoStorage) yield return new ApiResponseAttribute(503, "Storage unavailable; retry after the Retry-After header.");
    }

    private static JsonObject Response(ApiResponseAttribute response, OpenApiSchemas schemas)
    {
        var result = new JsonObject { ["description"] = response.Description };
        if (response.Body is { } body)
        {
            result["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.For(body, request: false) } };
        }
        else if (response.Status >= 400)
        {
            result["content"] = new JsonObject
            {
                ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } },
            };
        }
        if (response.Headers.Length > 0)
        {
            var headers = new JsonObject();
            foreach (var name in response.Headers)
            {
                headers[name] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
            }
            result["headers"] = headers;
        }
        return result;
    }

    private static JsonNode QuerySchema(ApiQueryAttribute query)
    {
        var schema = OpenApiSchemas.Inline(query.Type);
        if (query.Enum is { } values) schema["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        if (query.Minimum is { } minimum) schema["minimum"] = minimum;
        if (query.Maximum is { } maximum) schema["maximum"] = maximum;
        if (query.Format is { } format) schema["format"] = format;
        if (query.Examples is { } examples) schema["examples"] = new JsonArray(examples.Select(e => query.Type == typeof(int) ? JsonValue.Create(int.Parse(e, System.Globalization.CultureInfo.InvariantCulture)) : (JsonNode)e).ToArray());
        if (query.Pattern is { } pattern) schema["pattern"] = pattern;
        if (query.MinLength > 0) schema["minLength"] = query.MinLength;
        if (query.MaxLength > 0) schema["maxLength"] = query.MaxLength;
        // Every handler refuses an empty value (API.md): a parameter given is at least one character.
        if (query.Type == typeof(string) && query.MinLength == 0 && query.Enum is null) schema["minLength"] = 1;
        return schema;
    }

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"\{(\w+)(?::(\w+))?[^}]*\}")]
    private static partial Regex RouteParameter();
}
