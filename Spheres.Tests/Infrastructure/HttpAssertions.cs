using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spheres.Tests.Infrastructure;

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with this status and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace, ever
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("trace_id").GetString());
        return problem;
    }

    /// <summary>
    /// A body as text without its trace_id, which is each request's own: two answers that must say the same thing
    /// (and leak nothing by differing) compare equal this way.
    /// </summary>
    public static string WithoutTraceId(string body)
    {
        if (JsonNode.Parse(body) is not JsonObject json) return body;
        json.Remove("trace_id");
        return json.ToJsonString();
    }

    public static IEnumerable<string> Strings(this JsonElement array, string property) =>
        array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!);
}
