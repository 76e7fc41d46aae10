using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Gmail changes pushed by Pub/Sub (<c>users.watch</c>): the OIDC token is verified before anything is read;
/// the mailbox named in <c>message.data</c> routes to the integration that claimed it (the address Google's
/// userinfo gave for that tenant's tokens), and the change is stored once per Pub/Sub <c>messageId</c>.
/// A mailbox nobody connected is answered 200 and ignored: Pub/Sub would retry anything else for days.
/// </summary>
public sealed class GmailPushReceiver(GoogleOidcVerifier verifier, TimeProvider time) : IWebhookReceiver
{
    /// <summary>Gmail's pushes are a few hundred bytes; Pub/Sub's own limit (10 MB) is far more than we read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxEmailLength = 320;

    public string Endpoint => GoogleModule.Gmail;

    public async Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        await verifier.VerifyAsync(delivery.Header("Authorization"), cancellationToken).ConfigureAwait(false);
        var push = Parse(delivery.Body);
        var payload = JsonSerializer.Serialize(new { email_address = push.Email, history_id = push.HistoryId, subscription = push.Subscription });
        return WebhookReading.Of(new DeliveredEvent(WebhookRoutes.AccountKey(GoogleModule.Gmail, push.Email), GoogleModule.Gmail, push.MessageId,
            "mailbox_changed", push.PublishedAt ?? time.GetUtcNow(), payload));
    }

    private sealed record Push(string Email, string HistoryId, string MessageId, DateTimeOffset? PublishedAt, string? Subscription);

    /// <summary><c>{message:{data: base64 {emailAddress, historyId}, messageId, publishTime}, subscription}</c>; anything else is 400.</summary>
    private static Push Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var message = root.GetProperty("message");
            var messageId = message.RequiredText("messageId");
            var data = Convert.FromBase64String(message.RequiredText("data"));
            using var change = JsonDocument.Parse(data);
            var email = change.RootElement.RequiredText("emailAddress").Trim().ToLowerInvariant();
            if (email.Length > MaxEmailLength || !email.Contains('@')) throw new FormatException("emailAddress is not an address.");
            var history = change.RootElement.GetProperty("historyId");
            var historyId = history.ValueKind == JsonValueKind.Number ? history.GetRawText() : history.GetString() ?? throw new FormatException();
            DateTimeOffset? publishedAt = message.TryGetProperty("publishTime", out var published) && published.ValueKind == JsonValueKind.String
                ? published.GetDateTimeOffset() : null;
            var subscription = root.TryGetProperty("subscription", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new Push(email, historyId, messageId, publishedAt, subscription);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw WebhookRejected.Malformed("This is not a Pub/Sub push of a Gmail change: {message:{data, messageId}} with data base64 JSON {emailAddress, historyId}.");
        }
    }
}
