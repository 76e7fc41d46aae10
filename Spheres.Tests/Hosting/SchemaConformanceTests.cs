using System.Globalization;
using System.Net;
using System.Text.Json;
using CsCheck;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// The document states every rule a handler enforces on input (issue 26): requests that the schema allows, generated from
/// GET /api/openapi.json itself, are never refused with a 400 naming the input the schema allowed; and inputs every handler
/// refuses (an empty value) are refused as problems.
/// </summary>
public sealed class SchemaConformanceTests
{
    /// <summary>Fixed, so a failure names a request that reproduces it.</summary>
    private const string Seed = "0N0XIzNsQ0O2";
    private const int ValuesPerParameter = 12;

    [Fact]
    public async Task Schema_valid_query_values_of_every_get_operation_are_never_refused_for_that_value()
    {
        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString);
        var tenant = await host.RegisterAsync(plan: "professional");
        var document = await (await host.Client.GetAsync("/api/openapi.json")).JsonAsync();
        var refused = new List<string>();
        var sent = 0;
        foreach (var (path, parameter) in QueryParameters(document))
        {
            var name = parameter.GetProperty("name").GetString()!;
            foreach (var value in Values(parameter.GetProperty("schema")))
            {
                var request = tenant.Request(HttpMethod.Get, $"{RouteSamples.Fill(path)}?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
                request.Headers.Add("x-functions-key", TestHost.FunctionKey);
                using var response = await host.Client.SendAsync(request);
                sent++;
                if (response.StatusCode != HttpStatusCode.BadRequest) continue;
                var problem = await response.JsonAsync(HttpStatusCode.BadRequest);
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.TryGetProperty(name, out _))
                    refused.Add($"GET {path}?{name}={value}: {errors.GetProperty(name)}");
            }
        }
        Assert.True(sent > 200, $"only {sent} requests were generated");
        Assert.True(refused.Count == 0, "Schema-valid values refused:\n" + $"{refused.Count} of {sent}:\n" + string.Join("\n", refused.DistinctBy(r => r[..r.IndexOf('=')]).Take(30)));
    }

    [Fact]
    public async Task The_generator_sees_a_rule_the_schema_does_not_state()
    {
        // Proof that the check above can fail: a schema without the handler's bounds lets through values the handler refuses.
        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString);
        var tenant = await host.RegisterAsync();
        using var loose = JsonDocument.Parse("""{"type":"integer"}""");
        var refusedSomewhere = false;
        foreach (var value in Values(loose.RootElement))
        {
            using var response = await host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/messages/?limit=" + value));
            refusedSomewhere |= response.StatusCode == HttpStatusCode.BadRequest;
        }
        Assert.True(refusedSomewhere);
    }

    [Theory]
    [InlineData("/api/analytics/peak-hours/?integration=", "integration")]
    [InlineData("/api/analytics/top-questions/?limit=", "limit")]
    [InlineData("/api/reviews/?source=", "source")]
    [InlineData("/api/messages/?integration=", "integration")]
    public async Task An_empty_query_value_is_a_400_naming_it_everywhere(string url, string field)
    {
        await using var host = await TestHost.StartAsync((await AzuriteServer.Shared).ConnectionString);
        var tenant = await host.RegisterAsync(plan: "professional");
        var problem = await (await host.Client.SendAsync(tenant.Request(HttpMethod.Get, url))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public void Catalog_override_patches_say_null_resets_a_field_and_unknown_fields_are_refused()
    {
        using var document = JsonDocument.Parse(Spheres.Functions.OpenApi.OpenApiDocument.Utf8);
        foreach (var name in new[] { "SpherePatchRequest", "IntegrationTypePatchRequest" })
        {
            var schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(name);
            Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal(1, schema.GetProperty("minProperties").GetInt32());
            foreach (var property in schema.GetProperty("properties").EnumerateObject())
                Assert.Contains("null", property.Value.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        }
    }

    /// <summary>Every query parameter of every GET, except opaque cursors (valid only as the API gave them out).</summary>
    private static IEnumerable<(string Path, JsonElement Parameter)> QueryParameters(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        where path.Value.TryGetProperty("get", out _)
        from parameter in path.Value.GetProperty("get").TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : default(JsonElement.ArrayEnumerator)
        where parameter.GetProperty("in").GetString() == "query" && parameter.GetProperty("name").GetString() != "cursor"
        select (path.Name, parameter);

    /// <summary>Values the schema allows, drawn by CsCheck from what it states: enum, examples, bounds, format, length.</summary>
    private static List<string> Values(JsonElement schema)
    {
        var values = new List<string>();
        // One sample of them all: CsCheck's seed fixes only a sample's first iteration, so this is what makes every run draw the same.
        Generator(schema).Array[ValuesPerParameter].Sample(values.AddRange, seed: Seed, iter: 1, threads: 1);
        return values;
    }

    private static Gen<string> Generator(JsonElement schema)
    {
        string[] Strings(string property) => schema.GetProperty(property).EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToArray();
        static Gen<string> OneOf(string[] choices) => Gen.Int[0, choices.Length - 1].Select(i => choices[i]);
        if (schema.TryGetProperty("enum", out _)) return OneOf(Strings("enum"));
        if (schema.TryGetProperty("examples", out _)) return OneOf(Strings("examples"));
        long? Bound(string property) => schema.TryGetProperty(property, out var b) ? b.GetInt64() : null;
        var type = schema.GetProperty("type").ValueKind == JsonValueKind.String ? schema.GetProperty("type").GetString() : "string";
        if (type == "integer")
            return Gen.Long[Bound("minimum") ?? -1_000_000, Bound("maximum") ?? 1_000_000].Select(n => n.ToString(CultureInfo.InvariantCulture));
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format == "date")
            return Gen.Int[new DateOnly(2000, 1, 1).DayNumber, new DateOnly(2100, 12, 31).DayNumber]
                .Select(day => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (format == "email")
            return Gen.String[Gen.Char['a', 'z'], 1, 20].Select(Gen.String[Gen.Char['a', 'z'], 1, 12], (local, domain) => $"{local}@{domain}.example");
        var pattern = schema.TryGetProperty("pattern", out var p) ? p.GetString() : null;
        Assert.True(pattern is null or @"\S", $"A parameter with a pattern needs examples to draw from: {schema}");
        var min = (int)(Bound("minLength") ?? 0);
        var max = (int)(Bound("maxLength") ?? 40);
        // "\S" (some non-space) holds for any string of this alphabet without its space.
        var alphabet = pattern is null ? "abcdefghijklmnopqrstuvwxyzАБВгдґ0123456789 -_" : "abcdefghijklmnopqrstuvwxyzАБВгдґ0123456789-_";
        return Gen.String[Gen.Char[alphabet], Math.Max(min, 1), Math.Min(max, 40)];
    }
}
