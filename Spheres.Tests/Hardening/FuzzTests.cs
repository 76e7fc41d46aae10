using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary>
/// Every operation of the OpenAPI document, called with hostile path values, query values, bodies and
/// headers, with and without credentials: answers are 4xx (or 2xx), never 500, never a storage 503 while
/// storage is up, and never carry a stack trace. Seeded, so a failure replays exactly.
/// </summary>
public sealed partial class FuzzTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\bat [A-Z]\w*(\.\w+)+\(")]
    private static partial System.Text.RegularExpressions.Regex StackFrame();

    private static readonly string[] HostileText =
    [
        "", " ", "0", "-1", "2147483648", "99999999999999999999", "1e309", "NaN", "null", "true", "[]", "{}", "a/b", "a#b", "a?b", "a\\b",
        "..", "%00", "\u0001\u0002", "ü漢字🙂", "' or ''='", "<script>", new string('x', 5000), "@Microsoft.KeyVault(SecretUri=x)",
        "0002", "+2", "9999-99-99", "02-30", "24:00", "25:61", "telegram", "beauty", "UA", "*",
    ];

    [Fact]
    public async Task Fifteen_hundred_hostile_requests_get_no_500_and_no_storage_503()
    {
        await using var host = await TestHost.StartSharedAsync();
        var tenant = await host.RegisterAsync(plan: "professional");
        var paths = (await (await host.Client.GetAsync("/api/openapi.json")).JsonAsync()).GetProperty("paths");
        var random = new Random(20261127);
        var failures = new List<string>();
        var sent = 0;

        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                for (var i = 0; i < 40; i++)
                {
                    var request = Build(random, i, operation.Name, path.Name, operation.Value, host, tenant);
                    var described = $"{request.Method} {request.RequestUri} If-Match={request.Headers.IfMatch} auth={request.Headers.Authorization?.Scheme ?? (request.Headers.Contains("x-functions-key") ? "key" : "none")} " +
                                    (request.Content is null ? "" : await request.Content.ReadAsStringAsync());
                    var response = await host.Client.SendAsync(request);
                    sent++;
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.InternalServerError
                        || (response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("storage-unavailable"))
                        || (response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                            && (StackFrame().IsMatch(body) || body.Contains("Exception", StringComparison.Ordinal))))
                    {
                        failures.Add($"{(int)response.StatusCode} {described[..Math.Min(described.Length, 400)]}: {body[..Math.Min(body.Length, 200)]}");
                    }
                }
            }
        }

        Assert.True(sent >= 1_400, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    /// <param name="round">Path values and provider headers walk the hostile list in turn, so every value reaches every slot.</param>
    private static HttpRequestMessage Build(Random random, int round, string method, string template, JsonElement operation, TestHost host, TenantSession tenant)
    {
        string Pick() => HostileText[random.Next(HostileText.Length)];
        string InTurn() => HostileText[round % HostileText.Length];
        var path = System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]+\}", _ => Uri.EscapeDataString(InTurn()));
        var query = new List<string>();
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
            {
                if (random.Next(2) == 0) query.Add($"{Uri.EscapeDataString(parameter.GetProperty("name").GetString()!)}={Uri.EscapeDataString(Pick())}");
            }
        }
        if (random.Next(4) == 0) query.Add($"cursor={Uri.EscapeDataString(Pick())}");
        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + "/" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
        switch (random.Next(3))
        {
            case 0: request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AccessToken); break;
            case 1: request.Headers.Add("x-functions-key", TestHost.FunctionKey); break;
        }
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("If-Match", Pick());
        foreach (var header in new[] { "X-Goog-Channel-ID", "X-Telegram-Bot-Api-Secret-Token", "Calendly-Webhook-Signature", "x-zm-signature",
                     "x-zm-request-timestamp", "X-Hub-Signature-256", "X-Forwarded-For" })
        {
            request.Headers.TryAddWithoutValidation(header, InTurn().Replace("\u0001\u0002", "x"));
        }
        if (method is "post" or "put" or "patch")
        {
            request.Content = new StringContent(Body(random, Pick), Encoding.UTF8, random.Next(8) == 0 ? "text/csv" : "application/json");
        }
        return request;
    }

    private static string Body(Random random, Func<string> pick)
    {
        string Value(int depth) => random.Next(depth > 3 ? 5 : 8) switch
        {
            0 => "null", 1 => JsonSerializer.Serialize(pick()), 2 => random.Next(-5, 100_000).ToString(), 3 => "1e400", 4 => "true",
            5 => "[" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => Value(depth + 1))) + "]",
            _ => Object(depth + 1),
        };
        string Object(int depth)
        {
            string[] names = ["email", "password", "name", "sphere_id", "sphere_slug", "business_name", "timezone", "country", "plan", "settings",
                "credentials", "integration_type_slug", "integration_type_id", "weekday", "start_time", "end_time", "is_enabled", "integration",
                "date", "is_closed", "ranges", "bot_token", "page_id", "text", "rating", "object", "entry", "update_id", "message", "event", "payload"];
            return "{" + string.Join(',', Enumerable.Range(0, random.Next(6)).Select(_ => $"\"{names[random.Next(names.Length)]}\":{Value(depth)}")) + "}";
        }
        return random.Next(10) switch
        {
            0 => "",
            1 => "{",
            2 => "[" + string.Join(',', Enumerable.Range(0, random.Next(40)).Select(_ => Object(1))) + "]",
            _ => Object(0),
        };
    }
}
