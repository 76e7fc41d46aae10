using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations.Ownership;
using Spheres.Core.Integrations.Telegram;
using Spheres.Core.Problems;
using Spheres.Core.Webhooks;

namespace Spheres.Core.Integrations;

/// <summary>
/// Turning integrations on and off with their providers. Every side effect comes after the row
/// that remembers it, or is undone when that row cannot be written:
/// <list type="bullet">
/// <item>Telegram: getMe checks the token; the new secret is saved on the row, then given to setWebhook.</item>
/// <item>Types routed by an account id (Meta channels, Zoom, Square, Calendly): the provider says which
/// account the credentials belong to; the row names that key, then claims it in the routing index.</item>
/// <item>Google Calendar gets a channel token the same way; the rest only need their credentials.</item>
/// </list>
/// A provider that refuses or does not answer leaves status <c>error</c> with a reason, never a 500.
/// </summary>
public sealed class IntegrationActivation(
    IntegrationService integrations, IntegrationStore store, ICredentialVault vault, WebhookRoutes routes, IntegrationDirectory directory,
    TelegramBotApi telegram, TelegramWebhooks telegramWebhooks, ProviderAccounts accounts, WebhookUrls urls, TimeProvider time,
    Operations.ProviderDisconnect providers, ILogger<IntegrationActivation> logger)
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
        errors.ThrowIfAny();

        current = await RetireOldCredentialsAsync(current, cancellationToken).ConfigureAwait(false);
        var connected = requirement.Webhooks switch
        {
            WebhookProvider.Telegram => await ConnectTelegramAsync(current, credentials!["bot_token"], cancellationToken).ConfigureAwait(false),
            WebhookProvider.GoogleCalendar => await ConnectGoogleChannelAsync(current, cancellationToken).ConfigureAwait(false),
            _ when requirement.RoutingSetting is not null =>
                await ConnectAccountAsync(current, requirement, credentials!, cancellationToken).ConfigureAwait(false),
            _ => current,
        };
        var saved = await SaveAsync(connected with { Status = IntegrationStatus.Active, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        return integrations.View(saved, profile, snapshot);
    }

    /// <summary>
    /// Status <c>inactive</c> is written first; then Telegram's webhook is removed. If Telegram does not
    /// confirm, the row says so; deliveries that still arrive are stored as <c>inactive</c>.
    /// </summary>
    public async Task<IntegrationView> DeactivateAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await integrations.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var current = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var saved = await SaveAsync(current with { Status = IntegrationStatus.Inactive, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        if (await telegramWebhooks.RemoveAsync(saved, saved.CredentialsRef, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            saved = await TrySaveAsync(saved with { StatusDetail = failure }, cancellationToken).ConfigureAwait(false) ?? saved;
        }
        saved = await RetireOldCredentialsAsync(saved, cancellationToken).ConfigureAwait(false);
        return integrations.View(saved, profile, snapshot);
    }

    /// <summary>
    /// What DELETE does at the providers once the row is gone: stop Telegram's deliveries (with the current and
    /// any retired token) and free the routes. OAuth types also stop Google's channels and revoke the grant, and Meta
    /// channels remove our app's subscription (activation made it), as account erasure does. Best effort: a route
    /// left behind is stale and taken over.
    /// </summary>
    public async Task DisconnectAsync(Integration deleted, CancellationToken cancellationToken)
    {
        if (OAuth.TokenRefresher.Refreshable(deleted.TypeSlug) is not null
            || ConnectionRequirements.For(deleted.TypeSlug).Webhooks == WebhookProvider.Meta)
        {
            await providers.DisconnectOnceAsync(deleted, cancellationToken).ConfigureAwait(false);
        }
        await telegramWebhooks.RemoveAsync(deleted, deleted.CredentialsRef, cancellationToken).ConfigureAwait(false);
        await telegramWebhooks.RemoveAsync(deleted, deleted.RetiredCredentialsRef, cancellationToken).ConfigureAwait(false);
        var route = new WebhookRoute(deleted.TenantId, deleted.Id);
        try
        {
            if (deleted.RouteKey is { } key) await routes.ReleaseAsync(key, route, cancellationToken).ConfigureAwait(false);
            await routes.ReleaseAsync(WebhookRoutes.TelegramKey(deleted.WebhookKey), route, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Routes of deleted integration {IntegrationId} not released ({Error}); they are taken over when claimed", deleted.Id,
                e.GetType().Name);
        }
    }

    /// <summary>getMe, then the new secret on the row, then setWebhook with it: Telegram never holds a secret no row has.</summary>
    private async Task<Integration> ConnectTelegramAsync(Integration integration, string botToken, CancellationToken cancellationToken)
    {
        TelegramBot bot;
        try
        {
            bot = await telegram.GetMeAsync(botToken, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            throw await FailAsync(integration, e.Message, TelegramProblem(e), cancellationToken).ConfigureAwait(false);
        }
        var secretToken = NewSecretToken();
        var key = WebhookRoutes.TelegramKey(integration.WebhookKey);
        var pointed = await SaveWithNewSecretAsync(integration, "secret_token", secretToken, key, cancellationToken).ConfigureAwait(false);
        await routes.TryClaimAsync(key, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        try
        {
            await telegram.SetWebhookAsync(botToken, urls.For(integration)!, secretToken, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            throw await FailAsync(pointed, e.Message, TelegramProblem(e), cancellationToken).ConfigureAwait(false);
        }
        logger.LogInformation("Telegram bot {BotId} connected to integration {IntegrationId}", bot.Id, integration.Id);
        return pointed;
    }

    /// <summary>
    /// Google Calendar pushes name our channel id (the webhook key) and the channel token we gave when
    /// watching; the token is kept in the vault like Telegram's secret.
    /// </summary>
    internal async Task<Integration> ConnectGoogleChannelAsync(Integration integration, CancellationToken cancellationToken)
    {
        var key = WebhookRoutes.GoogleChannelKey(integration.WebhookKey);
        var pointed = await SaveWithNewSecretAsync(integration, "channel_token", NewSecretToken(), key, cancellationToken).ConfigureAwait(false);
        await routes.TryClaimAsync(key, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        return pointed;
    }

    /// <summary>The account the provider says the credentials belong to, named on the row, then claimed.</summary>
    private async Task<Integration> ConnectAccountAsync(
        Integration integration, ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        string accountId;
        try
        {
            accountId = await accounts.ResolveAsync(requirement, credentials, integration.Settings, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e)
        {
            throw await FailAsync(integration, e.Message, ProviderProblem(e, e.Message + " Check the token and try again."), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProblemException e)
        {
            throw await FailAsync(integration, e.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? e.Detail, e, cancellationToken).ConfigureAwait(false);
        }

        var pointed = await RouteToAccountAsync(integration, requirement.RoutingSetting!, accountId, cancellationToken).ConfigureAwait(false);
        if (requirement.Webhooks == WebhookProvider.Meta)
        {
            await SubscribeMetaAppAsync(pointed, requirement, credentials, pointed.Settings, cancellationToken).ConfigureAwait(false);
        }
        return pointed;
    }

    /// <summary>
    /// The provider-named account written to <paramref name="setting"/> and named on the row as its route key, then claimed;
    /// 409 (status <c>error</c>) when another live integration holds it. The previous route is released once the new one is held.
    /// </summary>
    internal async Task<Integration> RouteToAccountAsync(Integration integration, string setting, string accountId, CancellationToken cancellationToken)
    {
        var key = WebhookRoutes.AccountKey(integration.TypeSlug, accountId);
        var settings = integration.Settings;
        settings[setting] = accountId;
        var pointed = await SaveAsync(integration with { SettingsJson = settings.ToJsonString(), RouteKey = key }, cancellationToken).ConfigureAwait(false);
        if (!await routes.TryClaimAsync(key, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false))
        {
            var detail = $"The account {accountId} is already connected to another Spheres integration.";
            throw await FailAsync(pointed with { RouteKey = integration.RouteKey }, detail, ProblemException.Conflict(detail), cancellationToken)
                .ConfigureAwait(false);
        }
        if (integration.RouteKey is { } previous && previous != key)
        {
            await routes.ReleaseAsync(previous, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        }
        return pointed;
    }

    /// <summary>Without the app subscription Meta sends nothing; a refusal or silence leaves status <c>error</c> saying so.</summary>
    private async Task SubscribeMetaAppAsync(Integration pointed, ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials,
        JsonObject settings, CancellationToken cancellationToken)
    {
        try
        {
            await accounts.SubscribeAppAsync(requirement, credentials, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e)
        {
            var detail = "Meta did not subscribe Spheres to the account, so no messages would arrive: " + e.Message;
            throw await FailAsync(pointed, detail, ProviderProblem(e, detail), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores a fresh webhook secret and saves the row pointing at it (and at its route key) before any
    /// provider hears of it; the secret goes again if the row cannot be saved, the old one once it is.
    /// </summary>
    private async Task<Integration> SaveWithNewSecretAsync(Integration integration, string name, string secret, string routeKey,
        CancellationToken cancellationToken)
    {
        var secretRef = await vault.StoreAsync(IntegrationService.SecretPrefix("w", integration.TenantId),
            new Dictionary<string, string> { [name] = secret }, cancellationToken).ConfigureAwait(false);
        Integration pointed;
        try
        {
            pointed = await SaveAsync(integration with { WebhookSecretRef = secretRef, RouteKey = routeKey }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await integrations.DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
            throw;
        }
        await integrations.DeleteSecretQuietlyAsync(integration.WebhookSecretRef).ConfigureAwait(false);
        return pointed;
    }

    /// <summary>Credentials replaced while their bot still pointed at us: remove that webhook now, then the secret.</summary>
    private async Task<Integration> RetireOldCredentialsAsync(Integration integration, CancellationToken cancellationToken)
    {
        if (integration.RetiredCredentialsRef is not { } retired
            || await telegramWebhooks.RemoveAsync(integration, retired, cancellationToken).ConfigureAwait(false) is not null)
        {
            return integration;
        }
        var saved = await TrySaveAsync(integration with { RetiredCredentialsRef = null }, cancellationToken).ConfigureAwait(false);
        if (saved is null) return integration;
        await integrations.DeleteSecretQuietlyAsync(retired).ConfigureAwait(false);
        return saved;
    }

    private static ProblemException ProviderProblem(ProviderAccountException e, string refusedDetail) => e.Answered
        ? new ProblemException(400, ProviderRefusedType, "The provider refused the credentials.", refusedDetail)
        : new ProblemException(502, ProviderUnreachableType, "The provider did not answer.", e.Message + " Try again in a minute.");

    private static ProblemException TelegramProblem(TelegramApiException e) => e.Answered
        ? new ProblemException(400, ProviderRefusedType, "Telegram refused the bot.", e.Message + " Check the bot token from @BotFather and try again.")
        : new ProblemException(502, ProviderUnreachableType, "Telegram did not answer.", e.Message + " Try again in a minute.");

    /// <summary>Remembers why on the row (status <c>error</c>, best effort) and hands back the problem to throw.</summary>
    private async Task<ProblemException> FailAsync(Integration integration, string detail, ProblemException problem, CancellationToken cancellationToken)
    {
        await TrySaveAsync(integration with { Status = IntegrationStatus.Error, StatusDetail = detail }, cancellationToken).ConfigureAwait(false);
        return problem;
    }

    /// <summary>256 random bits in Telegram's allowed alphabet (A-Z, a-z, 0-9, '_', '-').</summary>
    private static string NewSecretToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    internal async Task<Integration> SaveAsync(Integration integration, CancellationToken cancellationToken) =>
        await TrySaveAsync(integration, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.Conflict("The integration changed meanwhile. Reload it and try again.");

    internal async Task<Integration?> TrySaveAsync(Integration integration, CancellationToken cancellationToken)
    {
        var saved = await store.TryReplaceAsync(integration with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (saved is not null) directory.Forget(saved.TenantId, saved.Id);
        return saved;
    }
}
