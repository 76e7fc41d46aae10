using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Meta's one app-level endpoint for Messenger (<c>object=page</c>), Instagram (<c>object=instagram</c>)
/// and WhatsApp (<c>object=whatsapp_business_account</c>). The whole body is signed with the app
/// secret; each entry is routed on its own by the account id claimed at activation, so one
/// delivery can carry messages of many tenants. Each event is read on its own (<see cref="MetaDeliveries"/>): one we do
/// not understand is skipped, never a reason to refuse the others. Page ratings with text come along as ratings (<see cref="MetaRatings"/>).
/// </summary>
public sealed class MetaWebhookReceiver(IOptions<MetaOptions> options, ILogger<MetaWebhookReceiver> logger) : IWebhookReceiver, IWebhookHandshake
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public string Endpoint => "meta";

    /// <summary>The subscription handshake: the challenge when the verify token matches, else 403.</summary>
    public string Answer(Func<string, string?> query)
    {
        var expected = ConfiguredSecrets.Require(options.Value.VerifyToken, SettingNames.MetaVerifyToken);
        var challenge = query("hub.challenge");
        if (query("hub.mode") != "subscribe" || !Signatures.TextMatches(expected, query("hub.verify_token")) || string.IsNullOrEmpty(challenge))
        {
            throw WebhookRejected.Forbidden("hub.mode must be subscribe and hub.verify_token must match the configured verify token.");
        }
        return challenge;
    }

    public Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var secret = ConfiguredSecrets.Require(options.Value.AppSecret, SettingNames.MetaAppSecret);
        const string prefix = "sha256=";
        var signature = delivery.Header(SignatureHeader);
        if (signature is null || !signature.StartsWith(prefix, StringComparison.Ordinal)
            || !Signatures.HexMatches(Signatures.HmacSha256(secret, delivery.Body), signature[prefix.Length..]))
        {
            throw WebhookRejected.Unauthorized($"{SignatureHeader} is missing or is not the HMAC-SHA256 of the body with the app secret.");
        }
        var reading = MetaDeliveries.Read(delivery.Body);
        if (reading.Skipped > 0) logger.LogDebug("Meta delivery: {Skipped} event(s) not in a shape we read were skipped", reading.Skipped);
        return Task.FromResult(new WebhookReading(reading.Messages, [], MetaRatings.Parse(delivery.Body)) { Changes = reading.Changes });
    }
}
