using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Graph API sends (API.md, "Outbound replies"): Messenger and Instagram
/// <c>POST {graph}/{page or ig id}/messages {recipient:{id}, messaging_type:"RESPONSE", message:{text}}</c>,
/// WhatsApp <c>POST {graph}/{phone_number_id}/messages {messaging_product:"whatsapp", to, type:"text", text:{body}}</c>.
/// The token goes in the Authorization header, never in the URL. Meta's error codes decide:
/// rate limits and 5xx are retried, the rest (24-hour window closed, unknown recipient, bad token) are final.
/// </summary>
public sealed class MetaReplyChannel(HttpClient http, MetaGraph graph, ConnectionRequirements requirements) : IReplyChannel
{
    public IReadOnlyCollection<string> TypeSlugs => MetaModule.TypeSlugs;

    /// <summary>The account sent from is the routing setting that activation took from Meta's own answer.</summary>
    public (ReplyAddress? Address, string? Problem) Address(Integration integration, IReadOnlyDictionary<string, string>? credentials, string recipient)
    {
        var requirement = requirements.For(integration.TypeSlug);
        if (credentials?.GetValueOrDefault(requirement.PrimaryCredential) is not { Length: > 0 })
        {
            return (null, $"The integration has no {requirement.PrimaryCredential}.");
        }
        return integration.Setting(requirement.RoutingSetting!) is { } account
            ? (new ReplyAddress(integration.TypeSlug, account, recipient, credentials), null)
            : (null, $"The integration has no {requirement.RoutingSetting}: connect the account again.");
    }

    public Task<SendOutcome> SendAsync(ReplyAddress address, string text, CancellationToken cancellationToken) =>
        SendAsync(address.Channel, address.Account, address.Credentials[requirements.For(address.Channel).PrimaryCredential], address.Recipient, text,
            cancellationToken);

    /// <summary>Meta's throttling codes: app (4), user (17), page (32), API (613), business use case (80000–80014), WhatsApp throughput (130429), spam (131048), pair (131056).</summary>
    private static bool IsRateLimit(int code) =>
        code is 4 or 17 or 32 or 613 or 130429 or 131048 or 131056 || code is >= 80000 and <= 80014;

    /// <summary>Meta's "temporary" codes: unknown error (1), service unavailable (2), WhatsApp service unavailable (131000, 131016).</summary>
    private static bool IsTransient(int code) => code is 1 or 2 or 131000 or 131016;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The exact body Meta is sent, for <paramref name="channel"/> "whatsapp" or a Messenger/Instagram one.</summary>
    public static byte[] Body(string channel, string recipient, string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartObject();
            if (channel == MetaModule.WhatsApp)
            {
                json.WriteString("messaging_product", "whatsapp");
                json.WriteString("to", recipient);
                json.WriteString("type", "text");
                json.WriteStartObject("text");
                json.WriteString("body", text);
            }
            else
            {
                json.WriteStartObject("recipient");
                json.WriteString("id", recipient);
                json.WriteEndObject();
                json.WriteString("messaging_type", "RESPONSE");
                json.WriteStartObject("message");
                json.WriteString("text", text);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task<SendOutcome> SendAsync(string channel, string account, string accessToken, string recipient, string text,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, graph.Url($"/{Uri.EscapeDataString(account)}/messages"))
        {
            Content = new ByteArrayContent(Body(channel, recipient, text)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (SendFailures.Classify(e, cancellationToken, "Meta") is { } outcome)
        {
            return outcome;
        }
        using (response)
        {
            var answer = await SendFailures.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && MessageId(answer) is { } id)
            {
                return new SendOutcome.Sent(id);
            }
            var (code, subcode, message) = Error(answer);
            var reason = $"Meta refused the message: {Describe(code, subcode) ?? message ?? "no reason given"} (HTTP {(int)response.StatusCode}, code {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).";
            if (code is { } c && IsRateLimit(c) || (int)response.StatusCode == 429)
            {
                return new SendOutcome.RetryLater(SendFailures.RetryAfterHeader(response), reason);
            }
            if ((int)response.StatusCode >= 500 || code is { } t && IsTransient(t))
            {
                return new SendOutcome.RetryLater(SendFailures.RetryAfterHeader(response), reason);
            }
            return new SendOutcome.Refused(reason);
        }
    }

    /// <summary>Messenger/Instagram answer <c>{recipient_id, message_id}</c>; WhatsApp <c>{messages:[{id}]}</c>.</summary>
    private static string? MessageId(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object) return null;
        if (answer.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String) return id.GetString();
        return answer.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
            && messages[0].TryGetProperty("id", out var waId) && waId.ValueKind == JsonValueKind.String ? waId.GetString() : null;
    }

    private static (int? Code, int? Subcode, string? Message) Error(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            return (null, null, null);
        int? Int(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return (Int("code"), Int("error_subcode"), message is { Length: > 200 } ? message[..200] : message);
    }

    /// <summary>The permanent refusals an owner should recognise, in plain words.</summary>
    private static string? Describe(int? code, int? subcode) => (code, subcode) switch
    {
        (10, 2018278) or (131047, _) => "the customer's 24-hour window is closed",
        (551, _) or (100, 2018001) or (131026, _) or (131030, _) => "the recipient cannot be reached",
        (190, _) => "the access token is no longer valid",
        _ => null,
    };
}
