using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Integrations.Telegram;
using Spheres.Core.OAuth;

namespace Spheres.Core.Operations;

/// <summary>A provider could not be reached; the erasure step is retried later (the queue redelivers).</summary>
public sealed class ProviderUnreachableException(string message) : Exception(message);

/// <summary>
/// Stops a provider from sending us an erased tenant's traffic: Telegram <c>deleteWebhook</c>, Google Calendar
/// <c>channels/stop</c> (when the integration holds a watched channel), Meta <c>DELETE subscribed_apps</c> (when
/// it holds the page or WhatsApp account and a token). Calling twice is harmless at every provider. A provider that
/// refuses (token revoked) has nothing left to stop: noted and skipped. One that does not answer is retried.
/// Gmail's <c>users.watch</c> is stopped with <c>users.stop</c>. Last, the OAuth grant is revoked where the provider
/// offers it (best effort, <see cref="OAuthRevocation"/>): after the stops, which still need the token.
/// </summary>
public sealed class ProviderDisconnect(
    OAuthHttp http, ProviderPush push, TelegramBotApi telegram, ICredentialVault vault, IConfiguration configuration, OAuthRevocation revocation,
    ILogger<ProviderDisconnect> logger)
{

    /// <summary>Account erasure: a provider that does not answer throws <see cref="ProviderUnreachableException"/> and the step is retried.</summary>
    public Task DisconnectAsync(Integration integration, CancellationToken cancellationToken) =>
        DisconnectAsync(integration, retryLater: true, cancellationToken);

    /// <summary>
    /// DELETE of one integration, after its row is gone (nothing retries it): a stop that fails is logged and
    /// the grant is revoked all the same, which ends the provider's deliveries too.
    /// </summary>
    public Task DisconnectOnceAsync(Integration integration, CancellationToken cancellationToken) =>
        DisconnectAsync(integration, retryLater: false, cancellationToken);

    private async Task DisconnectAsync(Integration integration, bool retryLater, CancellationToken cancellationToken)
    {
        var webhooks = ConnectionRequirements.For(integration.TypeSlug).Webhooks;
        if (integration.CredentialsRef is null) return;
        var credentials = await vault.ReadAsync(integration.CredentialsRef, cancellationToken).ConfigureAwait(false);
        if (credentials is null) return;
        try
        {
            await StopDeliveriesAsync(integration, webhooks, credentials, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderUnreachableException e) when (!retryLater)
        {
            logger.LogWarning("Deleted integration {IntegrationId}: provider not told to stop ({Reason})", integration.Id, e.Message);
        }
        await revocation.RevokeAsync(integration, credentials, cancellationToken).ConfigureAwait(false);
    }

    private async Task StopDeliveriesAsync(Integration integration, WebhookProvider webhooks, IReadOnlyDictionary<string, string> credentials,
        CancellationToken cancellationToken)
    {
        switch (webhooks)
        {
            case WebhookProvider.Telegram when credentials.GetValueOrDefault("bot_token") is { } botToken:
                await DeleteTelegramWebhookAsync(integration, botToken, cancellationToken).ConfigureAwait(false);
                break;
            case WebhookProvider.GoogleCalendar
                when (integration.Setting("channel_resource_id") ?? integration.Setting("resource_id")) is { } resourceId
                     && credentials.GetValueOrDefault("access_token") is { } googleToken:
                await StopAsync(integration, "Google channels.stop",
                    () => push.StopChannelAsync(googleToken, integration.WebhookKey, resourceId, cancellationToken)).ConfigureAwait(false);
                break;
            case WebhookProvider.Gmail when credentials.GetValueOrDefault("access_token") is { } gmailToken:
                await StopAsync(integration, "Gmail users.stop", () => push.StopGmailWatchAsync(gmailToken, cancellationToken)).ConfigureAwait(false);
                break;
            case WebhookProvider.Meta when MetaSubscription(integration) is { } subscription
                                           && (credentials.GetValueOrDefault("page_access_token") ?? credentials.GetValueOrDefault("access_token")) is { } metaToken:
                await StopAsync(integration, "Meta subscribed_apps removal", () => http.SendAsync(HttpMethod.Delete,
                    $"{configuration.BaseUrl(SettingNames.MetaGraphApiBaseUrl)}/{subscription}/subscribed_apps", metaToken, null, cancellationToken))
                    .ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Whose subscription to remove: WhatsApp's business account, else the page the token acts for (<c>me</c> is the page for
    /// a page token, as when the app was subscribed, and covers an Instagram account linked to a page).
    /// </summary>
    private static string? MetaSubscription(Integration integration) => integration.TypeSlug == "whatsapp"
        ? integration.Setting("waba_id") is { } waba ? Uri.EscapeDataString(waba) : null
        : integration.Setting("page_id") is { } page ? Uri.EscapeDataString(page) : "me";

    /// <summary>A refusal (token revoked) leaves nothing to stop: noted. No answer: <see cref="ProviderUnreachableException"/>, retried.</summary>
    private async Task StopAsync(Integration integration, string what, Func<Task> stop)
    {
        try
        {
            await stop().ConfigureAwait(false);
        }
        catch (OAuthProviderException e) when (e.Answered)
        {
            logger.LogWarning("{What} refused for integration {IntegrationId}: {Reason}", what, integration.Id, e.Message);
        }
        catch (OAuthProviderException e)
        {
            throw new ProviderUnreachableException($"{what}: {e.Message}");
        }
    }

    private async Task DeleteTelegramWebhookAsync(Integration integration, string botToken, CancellationToken cancellationToken)
    {
        try
        {
            await telegram.DeleteWebhookAsync(botToken, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException e) when (e.Answered)
        {
            logger.LogWarning("Erasure: Telegram refused deleteWebhook for integration {IntegrationId}: {Reason}", integration.Id, e.Message);
        }
        catch (TelegramApiException e)
        {
            throw new ProviderUnreachableException(e.Message);
        }
    }
}
