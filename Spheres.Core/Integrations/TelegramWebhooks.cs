using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations.Telegram;

namespace Spheres.Core.Integrations;

/// <summary>Stops a bot's deliveries to us: Telegram <c>deleteWebhook</c> with the token kept under a credentials reference.</summary>
public sealed class TelegramWebhooks(ICredentialVault vault, TelegramBotApi telegram, ILogger<TelegramWebhooks> logger)
{
    /// <summary>Null when the webhook is gone (or there was no bot token to remove it with); else why Telegram did not confirm.</summary>
    public async Task<string?> RemoveAsync(Integration integration, string? credentialsRef, CancellationToken cancellationToken)
    {
        if (ConnectionRequirements.For(integration.TypeSlug).Webhooks != WebhookProvider.Telegram || credentialsRef is null) return null;
        var credentials = await vault.ReadAsync(credentialsRef, cancellationToken).ConfigureAwait(false);
        if (credentials?.GetValueOrDefault("bot_token") is not { } botToken) return null;
        try
        {
            await telegram.DeleteWebhookAsync(botToken, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TelegramApiException e)
        {
            logger.LogWarning("Telegram webhook of integration {IntegrationId} not removed: {Reason}", integration.Id, e.Message);
            return "Telegram did not confirm removing the webhook; deliveries that still arrive are refused. " + e.Message;
        }
    }
}
