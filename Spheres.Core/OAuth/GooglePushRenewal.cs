using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Operations;
using Spheres.Core.Problems;
using Spheres.Core.Webhooks;

namespace Spheres.Core.OAuth;

public enum RenewalOutcome { Renewed, NotDue, Busy, RetryLater, NotRenewable }

/// <summary>
/// Renews Google's push before it lapses. A Calendar channel cannot be extended, so a new one replaces it, in an
/// order where Google never pushes on a channel no row knows: (1) the row's webhook secret names the PENDING
/// channel id and token (and the old channel keeps working), its route is claimed; (2) <c>events.watch</c>;
/// (3) the row switches to the new channel (id = webhook key, route, token, resource id, expiry); (4) the old
/// channel is stopped. A run that stops half-way leaves the pending channel on the row: the next run stops it
/// (it may exist at Google) before starting another. Gmail's <c>users.watch</c> is simply called again.
/// </summary>
public sealed class GooglePushRenewal(
    IntegrationStore store, IntegrationService integrations, ICredentialVault vault, IntegrationLeases leases, OAuthSchedule schedule, FreshAccessTokens tokens, ProviderPush push,
    WebhookRoutes routes, WebhookUrls urls, IntegrationDirectory directory,
    TimeProvider time, ILogger<GooglePushRenewal> logger)
{
    /// <summary>Calendar channels (a week at most) are replaced a day before they lapse.</summary>
    public static readonly TimeSpan CalendarMargin = TimeSpan.FromDays(1);

    /// <summary>Gmail watches last 7 days; Google asks for a call every day, so one older than a day is renewed.</summary>
    public static readonly TimeSpan GmailMargin = TimeSpan.FromDays(6);

    public const string LeasePurpose = "push";
    public const int MaxPerRun = 500;

    public const string PendingChannelId = "pending_channel_id";
    public const string PendingChannelToken = "pending_channel_token";

    public async Task<IReadOnlyDictionary<RenewalOutcome, int>> RenewDueAsync(CancellationToken cancellationToken)
    {
        var due = await schedule.PushDueAsync(time.GetUtcNow() + GmailMargin, MaxPerRun, cancellationToken).ConfigureAwait(false);
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<RenewalOutcome, int>();
        await Parallel.ForEachAsync(due.Where(d => d.TypeSlug is "google-calendar" or "gmail"),
            new ParallelOptions { MaxDegreeOfParallelism = TokenRefresher.Parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
            {
                var outcome = await RenewAsync(item.TenantId, item.IntegrationId, ct).ConfigureAwait(false);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }).ConfigureAwait(false);
        logger.LogInformation("Push renewal run: {Due} due, outcomes {Outcomes}", due.Count, string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}")));
        return outcomes;
    }

    public async Task<RenewalOutcome> RenewAsync(string tenantId, int integrationId, CancellationToken cancellationToken)
    {
        var lease = await leases.TryAcquireAsync(tenantId, integrationId, LeasePurpose, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        if (lease is null) return RenewalOutcome.Busy;
        try
        {
            var integration = await store.FindAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
            if (integration is not { Status: IntegrationStatus.Active, PushExpiresAt: { } expires }) return RenewalOutcome.NotRenewable;
            var margin = integration.TypeSlug == "gmail" ? GmailMargin : CalendarMargin;
            if (expires > time.GetUtcNow() + margin) return RenewalOutcome.NotDue;
            var accessToken = await tokens.GetFreshAccessTokenAsync(integration, cancellationToken).ConfigureAwait(false);
            return integration.TypeSlug == "gmail"
                ? await RenewGmailAsync(integration, accessToken, cancellationToken).ConfigureAwait(false)
                : await RenewCalendarAsync(integration, accessToken, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OAuthTransientException or OAuthProviderException or ProblemException)
        {
            logger.LogWarning("Integration {IntegrationId} of tenant {TenantId}: push not renewed, next run retries ({Reason})", integrationId, tenantId, e.Message);
            return RenewalOutcome.RetryLater;
        }
        finally
        {
            await leases.ReleaseAsync(lease).ConfigureAwait(false);
        }
    }

    private async Task<RenewalOutcome> RenewGmailAsync(Integration integration, string accessToken, CancellationToken cancellationToken)
    {
        var watch = await push.WatchGmailAsync(accessToken, cancellationToken).ConfigureAwait(false);
        return await SaveAsync(integration, i => i with { PushExpiresAt = watch.ExpiresAt ?? i.PushExpiresAt }, cancellationToken).ConfigureAwait(false) is null
            ? RenewalOutcome.NotRenewable
            : RenewalOutcome.Renewed;
    }

    private async Task<RenewalOutcome> RenewCalendarAsync(Integration integration, string accessToken, CancellationToken cancellationToken)
    {
        if (integration.WebhookSecretRef is not { } oldSecretRef
            || await vault.ReadAsync(oldSecretRef, cancellationToken).ConfigureAwait(false) is not { } oldSecret
            || oldSecret.GetValueOrDefault("channel_token") is not { } currentToken)
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
        var pendingRef = await vault.StoreAsync(IntegrationService.SecretPrefix("w", integration.TenantId), new Dictionary<string, string>
        {
            ["channel_token"] = currentToken, [PendingChannelId] = channelId, [PendingChannelToken] = channelToken,
        }, cancellationToken).ConfigureAwait(false);
        var pending = await SwapSecretAsync(integration, oldSecretRef, pendingRef, i => i with { WebhookSecretRef = pendingRef }, cancellationToken)
            .ConfigureAwait(false);
        if (pending is null) return RenewalOutcome.NotRenewable;
        var newKey = WebhookRoutes.GoogleChannelKey(channelId);
        await routes.TryClaimAsync(newKey, new WebhookRoute(integration.TenantId, integration.Id), cancellationToken).ConfigureAwait(false);

        // (2) Google starts the new channel.
        var watch = await push.WatchChannelAsync(accessToken, integration.Setting("calendar_id") ?? "primary", channelId, channelToken,
            urls.For(integration)!, cancellationToken).ConfigureAwait(false);

        // (3) The row switches to it.
        var switchedRef = await vault.StoreAsync(IntegrationService.SecretPrefix("w", integration.TenantId),
            new Dictionary<string, string> { ["channel_token"] = channelToken }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Points the row at <paramref name="newRef"/> (ETag-checked) and deletes the secret it replaced; on failure the new one goes.</summary>
    private async Task<Integration?> SwapSecretAsync(Integration integration, string oldRef, string newRef, Func<Integration, Integration> change,
        CancellationToken cancellationToken)
    {
        Integration? saved = null;
        try
        {
            saved = await SaveAsync(integration, change, cancellationToken, i => i.WebhookSecretRef == oldRef).ConfigureAwait(false);
        }
        finally
        {
            await integrations.DeleteSecretQuietlyAsync(saved is null ? newRef : oldRef).ConfigureAwait(false);
        }
        return saved;
    }

    /// <summary>The change, re-applied to a row changed meanwhile while it is still active (and, if given, still the one it was made for).</summary>
    private async Task<Integration?> SaveAsync(Integration integration, Func<Integration, Integration> change, CancellationToken cancellationToken,
        Func<Integration, bool>? stillValid = null)
    {
        var saved = await store.TryChangeAsync(integration, change,
            current => current.Status == IntegrationStatus.Active && (stillValid?.Invoke(current) ?? true), cancellationToken).ConfigureAwait(false);
        if (saved is not null) directory.Forget(saved.TenantId, saved.Id);
        return saved;
    }

    private async Task StopQuietlyAsync(Integration integration, string accessToken, string channelId, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await push.StopChannelAsync(accessToken, channelId, resourceId, cancellationToken).ConfigureAwait(false);
        }
        catch (OAuthProviderException e)
        {
            // It lapses by itself within a day; its pushes fail verification meanwhile.
            logger.LogWarning("Integration {IntegrationId}: an old Calendar channel was not stopped ({Reason})", integration.Id, e.Message);
        }
    }

    private static string NewToken(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
