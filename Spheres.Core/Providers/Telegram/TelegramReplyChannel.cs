using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// Telegram <c>sendMessage(chat_id, text)</c>, with <c>business_connection_id</c> for a Business chat. Telegram's answers map to outcomes: 429 with
/// <c>parameters.retry_after</c> and 5xx are retried; 400 (chat not found), 401 (token revoked) and
/// 403 (bot blocked by the user, kicked) are final. The token is in the URL, so neither URL nor
/// inner exception ever leaves this class. Sends keep Telegram's rates across instances (<see cref="SharedSendBudget"/>).
/// </summary>
public sealed class TelegramReplyChannel(HttpClient http, IOptions<TelegramOptions> options, SharedSendBudget budget) : IReplyChannel
{
    public IReadOnlyCollection<string> TypeSlugs { get; } = [TelegramModule.TypeSlug];

    public (ReplyAddress? Address, string? Problem) Address(Integration integration, IReadOnlyDictionary<string, string>? credentials, string recipient)
    {
        if (credentials?.GetValueOrDefault("bot_token") is not { Length: > 0 }) return (null, "The integration has no bot_token.");
        // The bot is the sending account: Telegram's per-bot rate counts per integration.
        var bot = $"{integration.TenantId}/{integration.Id.ToString(CultureInfo.InvariantCulture)}";
        return (new ReplyAddress(TelegramModule.TypeSlug, bot, recipient, credentials), null);
    }

    /// <summary>Telegram's rates: <see cref="TelegramOptions.SendsPerSecondPerBot"/> a second from a bot, one a second to a chat.</summary>
    public Task<TimeSpan> ReserveAsync(ReplyAddress address, CancellationToken cancellationToken)
    {
        // The account is "{tenant}/{integration}" (Address above); the budget's rows live in the tenant's partition.
        var separator = address.Account.IndexOf('/');
        return budget.TryReserveAsync(address.Account[..separator], $"{TelegramModule.TypeSlug}_{address.Account[(separator + 1)..]}", address.Recipient,
            new SendRate(options.Value.SendsPerSecondPerBot, PerChatInterval), cancellationToken);
    }

    public static readonly TimeSpan PerChatInterval = TimeSpan.FromSeconds(1);

    public Task<SendOutcome> SendAsync(ReplyAddress address, string text, CancellationToken cancellationToken) =>
        SendAsync(address.Credentials["bot_token"], address.Recipient, text, cancellationToken);

    private async Task<SendOutcome> SendAsync(string botToken, string recipient, string text, CancellationToken cancellationToken)
    {
        if (TelegramRecipients.Parse(recipient) is not var (connection, chat))
        {
            return new SendOutcome.Refused("Telegram chat id is not a number.");
        }
        var baseUrl = options.Value.BaseUrl;
        HttpResponseMessage response;
        try
        {
            // A Business chat is answered on behalf of the business account, through its connection.
            object body = connection is null ? new { chat_id = chat, text } : new { business_connection_id = connection, chat_id = chat, text };
            response = await http.PostAsJsonAsync($"{baseUrl}/bot{botToken}/sendMessage", body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (SendFailures.Classify(e, cancellationToken, "Telegram") is { } outcome)
        {
            return outcome;
        }
        using (response)
        {
            var answer = await SendFailures.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
            {
                // Sent is sent, even if the answer lacks the id we would keep.
                return new SendOutcome.Sent(answer.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                    && result.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : "unknown");
            }
            var description = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                ? d.GetString() : null;
            var reason = $"Telegram refused the message: {Shorten(description) ?? "no reason given"} (HTTP {(int)response.StatusCode}).";
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new SendOutcome.RetryLater(RetryAfter(answer) ?? SendFailures.RetryAfterHeader(response), reason);
            }
            if ((int)response.StatusCode >= 500)
            {
                return new SendOutcome.RetryLater(SendFailures.RetryAfterHeader(response), reason);
            }
            return new SendOutcome.Refused(reason);
        }
    }

    /// <summary><c>{"parameters": {"retry_after": seconds}}</c>, as Telegram answers a 429.</summary>
    private static TimeSpan? RetryAfter(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("parameters", out var parameters)
        && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("retry_after", out var seconds)
        && seconds.ValueKind == JsonValueKind.Number && seconds.TryGetInt32(out var value) && value >= 0
            ? TimeSpan.FromSeconds(value) : null;

    private static string? Shorten(string? text) => text is { Length: > 200 } ? text[..200] : text;
}
