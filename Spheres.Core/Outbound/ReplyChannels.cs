using System.Globalization;
using Spheres.Core.Integrations;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Outbound;

/// <summary>The channels a reply can leave by, chosen by the integration's type, with what each needs to send.</summary>
public sealed class ReplyChannels(TelegramReplyChannel telegram, MetaReplyChannel meta, IntegrationDirectory directory)
{
    public const string Telegram = "telegram";
    public const string Messenger = "facebook-messenger";
    public const string Instagram = "instagram";
    public const string WhatsApp = "whatsapp";

    /// <summary>
    /// Where a reply to <paramref name="recipient"/> on <paramref name="integration"/> goes, or why it cannot go.
    /// The Meta account is the routing setting that activation took from Meta's own answer.
    /// </summary>
    public async Task<(ReplyAddress? Address, string? Problem)> AddressAsync(Integration integration, string recipient, CancellationToken cancellationToken)
    {
        var credentialName = integration.TypeSlug switch
        {
            Telegram => "bot_token",
            Messenger => "page_access_token",
            Instagram or WhatsApp => "access_token",
            _ => null,
        };
        if (credentialName is null)
        {
            return (null, $"Replies cannot be sent through {integration.TypeSlug}.");
        }
        var credentials = integration.CredentialsRef is { } reference
            ? await directory.SecretAsync(reference, cancellationToken).ConfigureAwait(false) : null;
        if (credentials?.GetValueOrDefault(credentialName) is not { Length: > 0 })
        {
            return (null, $"The integration has no {credentialName}.");
        }
        if (integration.TypeSlug == Telegram)
        {
            // The bot is the sending account: Telegram's per-bot rate counts per integration.
            var bot = $"{integration.TenantId}/{integration.Id.ToString(CultureInfo.InvariantCulture)}";
            return (new ReplyAddress(Telegram, bot, recipient, credentials), null);
        }
        var routingSetting = ConnectionRequirements.For(integration.TypeSlug).RoutingSetting!;
        return integration.Setting(routingSetting) is { } account
            ? (new ReplyAddress(integration.TypeSlug, account, recipient, credentials), null)
            : (null, $"The integration has no {routingSetting}: connect the account again.");
    }

    public Task<SendOutcome> SendAsync(ReplyAddress address, string text, CancellationToken cancellationToken) => address.Channel switch
    {
        Telegram => telegram.SendAsync(address.Credentials["bot_token"], address.Recipient, text, cancellationToken),
        Messenger => meta.SendAsync(address.Channel, address.Account, address.Credentials["page_access_token"], address.Recipient, text, cancellationToken),
        _ => meta.SendAsync(address.Channel, address.Account, address.Credentials["access_token"], address.Recipient, text, cancellationToken),
    };
}
