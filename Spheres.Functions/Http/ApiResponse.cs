using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Spheres.Functions.Http;

/// <summary>
/// A finished HTTP answer: status, headers and pre-serialised body. It writes itself to the
/// response directly, so the Functions worker and DevHost send byte-identical answers without MVC formatters.
/// </summary>
public sealed class ApiResponse : IActionResult
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    private ApiResponse(int status, ReadOnlyMemory<byte> body, string? contentType)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Writes the body as it is produced (an export), instead of <see cref="Body"/>; no Content-Length.</summary>
    public Func<HttpResponse, CancellationToken, Task>? StreamBody { get; private init; }
    public string? ContentType { get; }
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ApiResponse Json<T>(T value, int status = StatusCodes.Status200OK) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Options), JsonContentType);

    public static ApiResponse JsonBytes(ReadOnlyMemory<byte> body, int status = StatusCodes.Status200OK) =>
        new(status, body, JsonContentType);

    public static ApiResponse Text(string text, string contentType = "text/plain; charset=utf-8") =>
        new(StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(text), contentType);

    public static ApiResponse Problem(ProblemBody problem) =>
        new(problem.Status, JsonSerializer.SerializeToUtf8Bytes(problem, ApiJson.Options), ProblemContentType);

    public static ApiResponse Empty(int status) => new(status, ReadOnlyMemory<byte>.Empty, null);

    /// <summary>
    /// A 200 whose body is written by <paramref name="write"/> while it runs. Its status is sent before the first
    /// byte, so everything that can be refused must be checked before; a failure half way aborts the connection
    /// (the client sees a broken download, never a truncated document that looks whole).
    /// </summary>
    public static ApiResponse Streamed(string contentType, Func<HttpResponse, CancellationToken, Task> write) =>
        new(StatusCodes.Status200OK, ReadOnlyMemory<byte>.Empty, contentType) { StreamBody = write };

    public ApiResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    /// <summary>A strong ETag over the body bytes.</summary>
    public static string ETagOf(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body)[..16]) + "\"";

    public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext.Response);

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.Headers[CorsExposedHeaders.HeaderName] = CorsExposedHeaders.HeaderValue;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }
        if (ContentType is null)
        {
            return;
        }
        response.ContentType = ContentType;
        if (StreamBody is { } stream)
        {
            await stream(response, response.HttpContext.RequestAborted).ConfigureAwait(false);
            return;
        }
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, response.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>RFC 9457 problem details as this API writes them.</summary>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string Detail,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [property: OpenApi.Description("Present only on validation problems: the fields by name, each with its messages.")]
    IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [property: OpenApi.Description("Present only on plan-required problems: the cheapest plan that unlocks what was refused.")]
    [property: System.ComponentModel.DataAnnotations.AllowedValues("free", "starter", "professional")]
    string? RequiredPlan = null)
{
    /// <summary>
    /// The W3C trace id of the request: its activity's when one runs (telemetry, ASP.NET Core), else a fresh one. The
    /// logs carry the same id, so a problem a user quotes leads to what happened.
    /// </summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^[0-9a-f]{32}$")]
    [OpenApi.Description("The W3C trace id of the request (32 hex digits), which the logs and the telemetry carry too: quote it when reporting a failure.")]
    public string TraceId { get; init; } =
        (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.TraceId : ActivityTraceId.CreateRandom()).ToHexString();
}
