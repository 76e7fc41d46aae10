using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;

namespace Spheres.Tests.Infrastructure;

/// <summary>Builds provider deliveries as the providers send them, signatures computed here the documented way.</summary>
public static class Deliveries
{
    public static HttpRequestMessage Telegram(string webhookUrl, string? secret, object update)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(webhookUrl).AbsolutePath) { Content = Json(update) };
        if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        return request;
    }

    public static object TelegramUpdate(long updateId, long chatId, string text, DateTimeOffset at) => new
    {
        update_id = updateId,
        message = new
        {
            message_id = updateId % 100_000 + 1, date = at.ToUnixTimeSeconds(), text,
            chat = new { id = chatId, type = "private", first_name = "Оксана" },
            from = new { id = chatId, is_bot = false, first_name = "Оксана", language_code = "uk" },
        },
    };

    public static HttpRequestMessage Meta(string body, string? appSecret = TestHost.MetaAppSecret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/meta/") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (appSecret is not null)
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body))));
        return request;
    }

    public static HttpRequestMessage Signed(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static string HexHmac(string key, string data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(data)));

    private static ByteArrayContent Json(object value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Every message in a queue (received and deleted), decoded from the base64 the Functions runtime expects.</summary>
    public static async Task<List<JsonElement>> DrainAsync(string connectionString, string queueName)
    {
        var queue = new QueueClient(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var all = new List<JsonElement>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) return all;
            foreach (var message in batch)
            {
                all.Add(JsonDocument.Parse(message.Body.ToString()).RootElement.Clone());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
