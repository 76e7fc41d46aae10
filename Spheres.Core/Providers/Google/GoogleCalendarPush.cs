using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Google Calendar's push to us. Its pushes name our channel id (the webhook key) and the channel token we gave when
/// watching; the token is kept in the vault like a bot's secret. Activation opens the channel on the row (consent then
/// watches); disconnecting stops it; renewal replaces it before it lapses.
/// <para>A Calendar channel cannot be extended, so a new one replaces it, in an order where Google never pushes on a
/// channel no row knows: (1) the row's webhook secret names the PENDING channel id and token (and the old channel keeps
/// working), its route is claimed; (2) <c>events.watch</c>; (3) the row switches to the new channel (id = webhook key,
/// route, token, resource id, expiry); (4) the old channel is stopped. A run that stops half-way leaves the pending
/// channel on the row: the next run stops it (it may exist at Google) before starting another.</para>
/// </summary>
public sealed class GoogleCalendarPush(
    GoogleApi google, IntegrationRows rows, WebhookRoutes routes, WebhookUrls urls, ICredentialVault vault, ILogger<GoogleCalendarPush> logger)
    : IActivation, IDeliveryStop, IPushRenewal
{
    public const string ChannelToken = "channel_token";
    public const string PendingChannelId = "pending_channel_id";
    public const string PendingChannelToken = "pending_channel_token";

    /// <summary>Calendar channels (a week at most) are replaced a day before they lapse.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromDays(1);

    public IReadOnlyCollection<string> TypeSlugs { get; } = [GoogleModule.Calendar];

    public bool TiedToCredentials => false;

    public TimeSpan RenewBefore(string typeSlug) => Margin;

    public Task<Integration> ActivateAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken) =>
        OpenChannelAsync(integration, cancellationToken);

    /// <summary>A fresh channel token on the row, and the route of the channel (the webhook key) claimed.</summary>
    public async Task<Integration> OpenChannelAsync(Integration integration, CancellationToken cancellationToken) =>
        (await rows.OpenChannelAsync(integration, ChannelToken, GoogleModule.ChannelRouteKey(integration.WebhookKey), cancellationToken)
            .ConfigureAwait(false)).Integration;

    public async Task<StopFailure?> StopAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if ((integration.Setting("channel_resource_id") ?? integration.Setting("resource_id")) is not { } resourceId
            || credentials.GetValueOrDefault("access_token") is not { } accessToken)
        {
            return null;
        }
        try
        {
            await google.StopChannelAsync(accessToken, integration.WebhookKey, resourceId, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ProviderCallException e)
        {
            return new StopFailure("Google channels.stop: " + e.Message, e.Answered);
        }
    }

    public async Task<RenewalOutcome> RenewAsync(Integration integration, string accessToken, CancellationToken cancellationToken)
    {
        if (integration.WebhookSecretRef is not { } oldSecretRef
            || await vault.ReadAsync(oldSecretRef, cancellationToken).ConfigureAwait(false) is not { } oldSecret
            || oldSecret.GetValueOrDefault(ChannelToken) is not { } currentToken)
        {
            return RenewalOutcome.NotRenewable;
        }
        var resourceId = integration.Setting("channel_resource_id");
        if (oldSecret.GetValueOrDefault(PendingChannelId) is { } abandoned && resourceId is not null)
        {
            // An earlier run may have got as far as Google: that channel goes before another starts.
            await StopQuietlyAsync(integration, accessToken, abandoned, resourceId, cancellationToken).ConfigureAwait(false);
        }

        // (1) The row remembers the new channel before Google hears of it; the current one keeps working.
        var channelId = NewToken(16);
        var channelToken = NewToken(32);
        var pendingRef = await vault.StoreAsync(SecretNames.WebhookSecretsOf(integration.TenantId), new Dictionary<string, string>
        {
            [ChannelToken] = currentToken, [PendingChannelId] = channelId, [PendingChannelToken] = channelToken,
        }, cancellationToken).ConfigureAwait(false);
        var pending = await SwapSecretAsync(integration, oldSecretRef, pendingRef, i => i with { WebhookSecretRef = pendingRef }, cancellationToken)
            .ConfigureAwait(false);
        if (pending is null) return RenewalOutcome.NotRenewable;
        var newKey = GoogleModule.ChannelRouteKey(channelId);
        await routes.TryClaimAsync(newKey, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);

        // (2) Google starts the new channel.
        var watch = await google.WatchChannelAsync(accessToken, integration.Setting("calendar_id") ?? "primary", channelId, channelToken,
            urls.For(integration)!, cancellationToken).ConfigureAwait(false);

        // (3) The row switches to it.
        var switchedRef = await vault.StoreAsync(SecretNames.WebhookSecretsOf(integration.TenantId),
            new Dictionary<string, string> { [ChannelToken] = channelToken }, cancellationToken).ConfigureAwait(false);
        var switched = await SwapSecretAsync(pending, pendingRef, switchedRef, i =>
        {
            var settings = i.Settings;
            settings["channel_resource_id"] = watch.Value;
            return i with
            {
                WebhookKey = channelId, RouteKey = newKey, WebhookSecretRef = switchedRef, SettingsJson = settings.ToJsonString(), PushExpiresAt = watch.ExpiresAt,
            };
        }, cancellationToken).ConfigureAwait(false);
        if (switched is null)
        {
            // Changed or deleted meanwhile: the channel nobody will own is stopped again.
            await StopQuietlyAsync(integration, accessToken, channelId, watch.Value ?? "", cancellationToken).ConfigureAwait(false);
            return RenewalOutcome.NotRenewable;
        }

        // (4) The old channel goes.
        if (resourceId is not null) await StopQuietlyAsync(integration, accessToken, integration.WebhookKey, resourceId, cancellationToken).ConfigureAwait(false);
        if (integration.RouteKey is { } oldKey && oldKey != newKey)
        {
            await routes.ReleaseAsync(oldKey, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);
        }
        logger.LogInformation("Integration {IntegrationId}: Calendar push channel renewed until {Expiration:O}", integration.Id, watch.ExpiresAt);
        return RenewalOutcome.Renewed;
    }

    /// <summary>Points the row at <paramref name="newRef"/> (ETag-checked, while still active and still on <paramref name="oldRef"/>) and deletes the secret it replaced; on failure the new one goes.</summary>
    private async Task<Integration?> SwapSecretAsync(Integration integration, string oldRef, string newRef, Func<Integration, Integration> change,
        CancellationToken cancellationToken)
    {
        Integration? saved = null;
        try
        {
            saved = await rows.TryChangeAsync(integration, change,
                current => current.Status == IntegrationStatus.Active && current.WebhookSecretRef == oldRef, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await rows.DeleteSecretQuietlyAsync(saved is null ? newRef : oldRef).ConfigureAwait(false);
        }
        return saved;
    }

    private async Task StopQuietlyAsync(Integration integration, string accessToken, string channelId, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await google.StopChannelAsync(accessToken, channelId, resourceId, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderCallException e)
        {
            // It lapses by itself within a day; its pushes fail verification meanwhile.
            logger.LogWarning("Integration {IntegrationId}: an old Calendar channel was not stopped ({Reason})", integration.Id, e.Message);
        }
    }

    private static string NewToken(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}

/// <summary>
/// Gmail's push through our Pub/Sub topic: <c>users.watch</c> lasts 7 days and Google asks for a call every day, so a watch
/// older than a day is renewed by simply watching again; disconnecting calls <c>users.stop</c>.
/// </summary>
public sealed class GmailPush(GoogleApi google, IntegrationRows rows) : IDeliveryStop, IPushRenewal
{
    public static readonly TimeSpan Margin = TimeSpan.FromDays(6);

    public IReadOnlyCollection<string> TypeSlugs { get; } = [GoogleModule.Gmail];

    public bool TiedToCredentials => false;

    public TimeSpan RenewBefore(string typeSlug) => Margin;

    public async Task<StopFailure?> StopAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (credentials.GetValueOrDefault("access_token") is not { } accessToken) return null;
        try
        {
            await google.StopGmailWatchAsync(accessToken, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ProviderCallException e)
        {
            return new StopFailure("Gmail users.stop: " + e.Message, e.Answered);
        }
    }

    public async Task<RenewalOutcome> RenewAsync(Integration integration, string accessToken, CancellationToken cancellationToken)
    {
        var watch = await google.WatchGmailAsync(accessToken, cancellationToken).ConfigureAwait(false);
        return await rows.TryChangeAsync(integration, i => i with { PushExpiresAt = watch.ExpiresAt ?? i.PushExpiresAt },
            current => current.Status == IntegrationStatus.Active, cancellationToken).ConfigureAwait(false) is null
            ? RenewalOutcome.NotRenewable
            : RenewalOutcome.Renewed;
    }
}
