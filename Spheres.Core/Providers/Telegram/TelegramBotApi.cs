using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Spheres.Core.Providers.Telegram;

/// <summary>Telegram answered with an error, or did not answer. The message never contains the bot token.</summary>
public sealed class TelegramApiException(string message, bool answered) : Exception(message)
{
    /// <summary>True when Telegram answered (and refused); false when it could not be reached.</summary>
    public bool Answered { get; } = answered;
}

public sealed record TelegramBotInfo(long Id, string? Username);

/// <summary>
/// The few Bot API methods activation needs. The token is part of every URL
/// (<c>/bot&lt;token&gt;/method</c>), so no URL, request or inner exception is ever logged or rethrown.
/// </summary>
public sealed class TelegramBotApi(HttpClient http, IOptions<TelegramOptions> options)
{
    public async Task<TelegramBotInfo> GetMeAsync(string botToken, CancellationToken cancellationToken)
    {
        var result = await CallAsync(botToken, "getMe", new { }, cancellationToken).ConfigureAwait(false);
        return new TelegramBotInfo(result.GetProperty("id").GetInt64(),
            result.TryGetProperty("username", out var username) ? username.GetString() : null);
    }

    /// <summary>Points the bot's updates at <paramref name="url"/>, each carrying <paramref name="secretToken"/> in a header.</summary>
    public Task SetWebhookAsync(string botToken, string url, string secretToken, CancellationToken cancellationToken) =>
        CallAsync(botToken, "setWebhook", new Dictionary<string, object>
        {
            ["url"] = url,
            ["secret_token"] = secretToken,
            ["allowed_updates"] = new[] { "message", "edited_message" },
        }, cancellationToken);

    public Task DeleteWebhookAsync(string botToken, CancellationToken cancellationToken) =>
        CallAsync(botToken, "deleteWebhook", new { }, cancellationToken);

    private async Task<JsonElement> CallAsync(string botToken, string method, object body, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.BaseUrl;
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync($"{baseUrl}/bot{botToken}/{method}", body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TelegramApiException($"Telegram did not answer {method} ({(e is OperationCanceledException ? "timed out" : "unreachable")}).", answered: false);
        }
        using (response)
        {
            TelegramResponse? answer = null;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<TelegramResponse>(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
            }
            if (answer is null)
            {
                throw new TelegramApiException($"Telegram answered {method} with HTTP {(int)response.StatusCode} and no readable body.", answered: true);
            }
            if (!answer.Ok)
            {
                throw new TelegramApiException($"Telegram refused {method}: {answer.Description ?? "no reason given"} (error {answer.ErrorCode}).", answered: true);
            }
            return answer.Result;
        }
    }

    private sealed record TelegramResponse(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("result")] JsonElement Result,
        [property: JsonPropertyName("error_code")] int? ErrorCode,
        [property: JsonPropertyName("description")] string? Description);
}
