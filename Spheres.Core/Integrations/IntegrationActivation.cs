using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations.Telegram;
using Spheres.Core.Problems;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Integrations;

/// <summary>
/// Turning integrations on and off with their providers:
/// Telegram validates the token (getMe) and points the bot at our webhook with a fresh secret;
/// types routed by an account id (Meta channels, Zoom, Square, Calendly) claim it in the routing
/// index; Google Calendar gets a channel token; the rest need their credentials.
/// A provider that refuses or does not answer leaves status <c>error</c> with a reason, never a 500.
/// </summary>
public sealed class IntegrationActivation(
    IntegrationService integrations, IntegrationStore store, ICredentialVault vault, WebhookRoutes routes, IntegrationDirectory directory, TelegramBotApi telegram,
    WebhookUrls urls, TimeProvider time, ILogger<IntegrationActivation> logger)
{
    public const string ProviderRefusedType = "provider-refused";
    public const string ProviderUnreachableType = "provider-unreachable";

    public async Task<IntegrationView> ActivateAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await integrations.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (IntegrationAvailability.WhyUnavailable(snapshot.FindType(current.TypeId), profile, snapshot) is { } reason) throw reason;

        var requirement = ConnectionRequirements.For(current.TypeSlug);
        var credentials = current.CredentialsRef is null ? null : await vault.ReadAsync(current.CredentialsRef, cancellationToken).ConfigureAwait(false);
        var errors = new FieldErrors();
        foreach (var missing in ConnectionRequirements.MissingCredentials(requirement, credentials))
            errors.Add("credentials." + missing, "Required to activate: set it with PUT first.");
        if (requirement.RoutingSetting is { } routing && current.Setting(routing) is null)
            errors.Add("settings." + routing, "Required to activate: the account id messages are routed by.");
        errors.ThrowIfAny();

        var activated = requirement.Webhooks switch
        {
            WebhookProvider.Telegram => await ConnectTelegramAsync(current, credentials!["bot_token"], cancellationToken).ConfigureAwait(false),
            WebhookProvider.GoogleCalendar => await ConnectGoogleChannelAsync(current, cancellationToken).ConfigureAwait(false),
            _ when requirement.RoutingSetting is { } setting =>
                await ClaimAccountAsync(current, current.Setting(setting)!, cancellationToken).ConfigureAwait(false),
            _ => current,
        };
        var saved = await SaveAsync(activated with { Status = IntegrationStatus.Active, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        if (saved.WebhookSecretRef != current.WebhookSecretRef)
            await integrations.DeleteSecretQuietlyAsync(current.WebhookSecretRef).ConfigureAwait(false);
        return integrations.View(saved, profile, snapshot);
    }

    /// <summary>
    /// Status <c>inactive</c>: deliveries still route here and are answered with decision
    /// <c>inactive</c>. Telegram's webhook is removed; if Telegram does not confirm, the reason is kept.
    /// </summary>
    public async Task<IntegrationView> DeactivateAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await integrations.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var detail = await DisconnectTelegramAsync(current, cancellationToken).ConfigureAwait(false);
        var saved = await SaveAsync(current with { Status = IntegrationStatus.Inactive, StatusDetail = detail }, cancellationToken).ConfigureAwait(false);
        return integrations.View(saved, profile, snapshot);
    }

    /// <summary>What DELETE does with the provider before the row goes: stop Telegram's deliveries, free the routes.</summary>
    public async Task DisconnectAsync(Integration integration, CancellationToken cancellationToken)
    {
        await DisconnectTelegramAsync(integration, cancellationToken).ConfigureAwait(false);
        var route = new WebhookRoute(integration.TenantId, integration.Id);
        if (integration.RouteKey is { } key) await routes.ReleaseAsync(key, route, cancellationToken).ConfigureAwait(false);
        await routes.ReleaseAsync(WebhookRoutes.TelegramKey(integration.WebhookKey), route, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Integration> ConnectTelegramAsync(Integration integration, string botToken, CancellationToken cancellationToken)
    {
        var secretToken = NewSecretToken();
        string? secretRef = null;
        try
        {
            var bot = await telegram.GetMeAsync(botToken, cancellationToken).ConfigureAwait(false);
            secretRef = await vault.StoreAsync(IntegrationService.SecretPrefix("w", integration.TenantId),
                new Dictionary<string, string> { ["secret_token"] = secretToken }, cancellationToken).ConfigureAwait(false);
            await telegram.SetWebhookAsync(botToken, urls.For(integration)!, secretToken, cancellationToken).ConfigureAwait(false);
            await routes.TryClaimAsync(WebhookRoutes.TelegramKey(integration.WebhookKey),
                new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Telegram bot {BotId} connected to integration {IntegrationId}", bot.Id, integration.Id);
            return integration with { WebhookSecretRef = secretRef };
        }
        catch (TelegramApiException e)
        {
            await integrations.DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
            await SaveAsync(integration with { Status = IntegrationStatus.Error, StatusDetail = e.Message }, cancellationToken).ConfigureAwait(false);
            throw e.Answered
                ? new ProblemException(400, ProviderRefusedType, "Telegram refused the bot.",
                    e.Message + " Check the bot token from @BotFather and try again.")
                : new ProblemException(502, ProviderUnreachableType, "Telegram did not answer.",
                    e.Message + " Nothing was changed with Telegram; try again in a minute.");
        }
    }

    /// <summary>
    /// Google Calendar pushes name our channel id (the webhook key) and the channel token we gave
    /// when watching; the token is kept in the vault like Telegram's secret.
    /// </summary>
    private async Task<Integration> ConnectGoogleChannelAsync(Integration integration, CancellationToken cancellationToken)
    {
        var secretRef = await vault.StoreAsync(IntegrationService.SecretPrefix("w", integration.TenantId),
            new Dictionary<string, string> { ["channel_token"] = NewSecretToken() }, cancellationToken).ConfigureAwait(false);
        await routes.TryClaimAsync(WebhookRoutes.GoogleChannelKey(integration.WebhookKey),
            new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        return integration with { WebhookSecretRef = secretRef, RouteKey = WebhookRoutes.GoogleChannelKey(integration.WebhookKey) };
    }

    private async Task<Integration> ClaimAccountAsync(Integration integration, string accountId, CancellationToken cancellationToken)
    {
        var key = WebhookRoutes.AccountKey(integration.TypeSlug, accountId);
        if (!await routes.TryClaimAsync(key, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Conflict($"The account id {accountId} is already connected to another Spheres integration.");
        }
        if (integration.RouteKey is { } previous && previous != key)
        {
            await routes.ReleaseAsync(previous, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        }
        return integration with { RouteKey = key };
    }

    /// <summary>Removes Telegram's webhook of an active bot; returns a reason when Telegram did not confirm.</summary>
    private async Task<string?> DisconnectTelegramAsync(Integration integration, CancellationToken cancellationToken)
    {
        if (ConnectionRequirements.For(integration.TypeSlug).Webhooks != WebhookProvider.Telegram
            || integration.Status != IntegrationStatus.Active || integration.CredentialsRef is null)
        {
            return null;
        }
        var credentials = await vault.ReadAsync(integration.CredentialsRef, cancellationToken).ConfigureAwait(false);
        if (credentials?.GetValueOrDefault("bot_token") is not { } botToken) return null;
        try
        {
            await telegram.DeleteWebhookAsync(botToken, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TelegramApiException e)
        {
            logger.LogWarning("Telegram webhook of integration {IntegrationId} not removed: {Reason}", integration.Id, e.Message);
            return "Telegram did not confirm removing the webhook; deliveries that still arrive are ignored. " + e.Message;
        }
    }

    /// <summary>256 random bits in Telegram's allowed alphabet (A-Z, a-z, 0-9, '_', '-').</summary>
    private static string NewSecretToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private async Task<Integration> SaveAsync(Integration integration, CancellationToken cancellationToken)
    {
        var saved = await store.TryReplaceAsync(integration with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.Conflict("The integration changed meanwhile. Reload it and try again.");
        directory.Forget(saved.TenantId, saved.Id);
        return saved;
    }
}
