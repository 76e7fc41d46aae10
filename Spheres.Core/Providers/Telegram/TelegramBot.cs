using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// A bot connected and disconnected: <c>getMe</c>, then the new secret on the row, then <c>setWebhook</c> with it, so
/// Telegram never holds a secret no row has; <c>deleteWebhook</c> with the bot's own token stops it.
/// </summary>
public sealed class TelegramBot(TelegramBotApi telegram, IntegrationRows rows, WebhookUrls urls, ILogger<TelegramBot> logger)
    : IActivation, IDeliveryStop
{
    public const string SecretName = "secret_token";

    public IReadOnlyCollection<string> TypeSlugs { get; } = [TelegramModule.TypeSlug];

    /// <summary>A bot's webhook belongs to its token: only that token can remove it.</summary>
    public bool TiedToCredentials => true;

    public async Task<Integration> ActivateAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        var botToken = credentials["bot_token"];
        TelegramBotInfo bot;
        try
        {
            bot = await telegram.GetMeAsync(botToken, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            throw await rows.FailAsync(integration, e.Message, Problem(e), cancellationToken).ConfigureAwait(false);
        }
        var (pointed, secretToken) = await rows.OpenChannelAsync(integration, SecretName, TelegramModule.RouteKey(integration.WebhookKey), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await telegram.SetWebhookAsync(botToken, urls.For(integration)!, secretToken, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            throw await rows.FailAsync(pointed, e.Message, Problem(e), cancellationToken).ConfigureAwait(false);
        }
        logger.LogInformation("Telegram bot {BotId} connected to integration {IntegrationId}", bot.Id, integration.Id);
        return pointed;
    }

    public async Task<StopFailure?> StopAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (credentials.GetValueOrDefault("bot_token") is not { } botToken) return null;
        try
        {
            await telegram.DeleteWebhookAsync(botToken, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TelegramApiException e)
        {
            logger.LogWarning("Telegram webhook of integration {IntegrationId} not removed: {Reason}", integration.Id, e.Message);
            return new StopFailure("Telegram did not confirm removing the webhook; deliveries that still arrive are refused. " + e.Message, e.Answered);
        }
    }

    private static ProblemException Problem(TelegramApiException e) => e.Answered
        ? ProviderProblems.Refused("Telegram refused the bot.", e.Message + " Check the bot token from @BotFather and try again.")
        : ProviderProblems.Unreachable("Telegram did not answer.", e.Message + " Try again in a minute.");
}
