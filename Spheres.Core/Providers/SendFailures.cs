using System.Net.Http.Json;
using System.Text.Json;

namespace Spheres.Core.Providers;

/// <summary>What a failed HTTP call to a provider means for a send that must happen at most once.</summary>
public static class SendFailures
{
    /// <summary>
    /// No connection could be made: certainly not sent, so worth retrying. Any later failure (timeout,
    /// connection lost after the request went out) may have sent it: <see cref="SendOutcome.Unknown"/>.
    /// Null for the caller's own cancellation, which is rethrown.
    /// </summary>
    public static SendOutcome? Classify(Exception e, CancellationToken cancellationToken, string provider) => e switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            new SendOutcome.RetryLater(null, $"{provider} could not be reached."),
        HttpRequestException or OperationCanceledException =>
            new SendOutcome.Unknown($"{provider} did not answer in time; the reply may have been delivered, so it is not sent again."),
        _ => null,
    };

    /// <summary>The <c>Retry-After</c> header in seconds (the form providers send), when there is one.</summary>
    public static TimeSpan? RetryAfterHeader(HttpResponseMessage response) => response.Headers.RetryAfter?.Delta;

    /// <summary>The answer's JSON, or <c>default</c> when it has none (an HTML error page, an empty body).</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
