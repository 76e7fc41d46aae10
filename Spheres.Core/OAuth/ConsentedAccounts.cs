using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Integrations.Ownership;

namespace Spheres.Core.OAuth;

/// <summary>
/// What the callback does with fresh tokens, per provider family. The account's identity is read with the new token
/// before anything is stored; then the tokens go to the vault and the row points at them (ETag-checked; the new
/// secret is deleted again if the row cannot be written, the old one once it is); then the route is named on the row
/// and claimed (the code activation uses); then push is set up at the provider, and what it answered saved (a push
/// whose row cannot be saved is stopped again). Returns null on success, else the redirect's <c>error</c> code.
/// </summary>
public sealed class ConsentedAccounts(
    IntegrationActivation activation, IntegrationService integrations, ICredentialVault vault, ProviderAccounts providerAccounts,
    ProviderPush push, OAuthClientCalls calls, ILogger<ConsentedAccounts> logger)
{
    public const string ChooseAccountDetail = "Choose which page/account to connect.";

    public async Task<string?> ConnectAsync(Integration integration, OAuthProvider provider, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        if (provider == OAuthProviders.Meta) return await ConnectMetaAsync(integration, tokens, cancellationToken).ConfigureAwait(false);
        if (provider == OAuthProviders.Google) return await ConnectGoogleAsync(integration, tokens, cancellationToken).ConfigureAwait(false);
        if (provider == OAuthProviders.Zocdoc)
        {
            // Zocdoc documents no identity endpoint for its partner API: nothing routes by an account id yet.
            var stored = await StoreTokensAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt, null, cancellationToken).ConfigureAwait(false);
            return await ActivateAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        return await ConnectRoutedAccountAsync(integration, tokens, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Meta: the short-lived user token is exchanged for a long-lived one (about 60 days), kept as the integration's
    /// credentials; the owner then picks the page / Instagram account / WhatsApp number (<c>…/connect/accounts/</c>).
    /// The exchange is a POST with form fields (Graph accepts them as the documented GET's query) so no token is in a URL.
    /// </summary>
    private async Task<string?> ConnectMetaAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var provider = OAuthProviders.Meta;
        OAuthTokens longLived;
        try
        {
            longLived = await calls.ExchangeAsync(provider, [new("grant_type", "fb_exchange_token"), new("fb_exchange_token", tokens.AccessToken)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (OAuthProviderException e)
        {
            logger.LogWarning("OAuth meta: long-lived exchange for integration {IntegrationId} failed: {Reason}", integration.Id, e.Message);
            return "exchange_failed";
        }
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal) { ["user_access_token"] = longLived.AccessToken };
        if (longLived.ToCredentials().TryGetValue("expires_at", out var expiresAt)) credentials["expires_at"] = expiresAt;
        await StoreTokensAsync(integration with { Status = IntegrationStatus.Pending, StatusDetail = ChooseAccountDetail }, credentials,
            longLived.ExpiresAt, null, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Google: userinfo's email, then per type the Calendar channel, the Gmail route and watch, or nothing more.</summary>
    private async Task<string?> ConnectGoogleAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var email = await push.GoogleEmailAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        var stored = await StoreTokensAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt, new JsonObject { ["email"] = email }, cancellationToken)
            .ConfigureAwait(false);
        switch (integration.TypeSlug)
        {
            case "google-calendar":
            {
                // Connected before: that channel (same id) is stopped first, or Google refuses a second channel with our id.
                if (stored.Setting("channel_resource_id") is { } previous)
                    await push.StopCalendarAsync(stored, tokens.AccessToken, previous, cancellationToken).ConfigureAwait(false);
                var channeled = await activation.ConnectGoogleChannelAsync(stored, cancellationToken).ConfigureAwait(false);
                var channelToken = (await vault.ReadAsync(channeled.WebhookSecretRef!, cancellationToken).ConfigureAwait(false))?["channel_token"]
                    ?? throw new CredentialVaultException("The channel token just stored could not be read back.");
                return await SetUpPushAsync(channeled,
                    () => push.WatchCalendarAsync(channeled, tokens.AccessToken, channelToken, cancellationToken),
                    watched => push.StopCalendarAsync(channeled, tokens.AccessToken, watched.Value, CancellationToken.None),
                    cancellationToken).ConfigureAwait(false);
            }
            case "gmail":
            {
                // Gmail's push names the mailbox by its address: that is the route, as Google itself reported it.
                var routed = await activation.RouteToAccountAsync(stored, "email", email.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
                return await SetUpPushAsync(routed,
                    () => push.WatchGmailAsync(tokens.AccessToken, cancellationToken),
                    _ => push.StopGmailAsync(tokens.AccessToken, CancellationToken.None),
                    cancellationToken).ConfigureAwait(false);
            }
            default:
                return await ActivateAsync(stored, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Zoom, Calendly, Square: the provider names the account; it is routed as activation routes it; Calendly then subscribes.</summary>
    private async Task<string?> ConnectRoutedAccountAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var requirement = ConnectionRequirements.For(integration.TypeSlug);
        var routing = requirement.RoutingSetting!;
        string accountId;
        string? organization = null;
        if (integration.TypeSlug == "calendly")
        {
            (accountId, organization) = await providerAccounts.CalendlyUserAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The provider's answer decides, never a value left in settings: no claim is passed.
            accountId = await providerAccounts.ResolveAsync(requirement, new Dictionary<string, string> { [requirement.RequiredCredentials[0]] = tokens.AccessToken },
                new JsonObject(), cancellationToken).ConfigureAwait(false);
        }
        var stored = await StoreTokensAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt,
            organization is null ? null : new JsonObject { ["organization_uri"] = organization }, cancellationToken).ConfigureAwait(false);
        var routed = await activation.RouteToAccountAsync(stored, routing, accountId, cancellationToken).ConfigureAwait(false);
        if (integration.TypeSlug != "calendly") return await ActivateAsync(routed, cancellationToken).ConfigureAwait(false);
        // Connected before: Calendly refuses a second subscription for the same URL and user.
        if (routed.Setting("webhook_subscription_uri") is { } previous)
            await push.UnsubscribeCalendlyAsync(tokens.AccessToken, previous, cancellationToken).ConfigureAwait(false);
        return await SetUpPushAsync(routed,
            () => push.SubscribeCalendlyAsync(routed, tokens.AccessToken, accountId, organization, cancellationToken),
            subscribed => push.UnsubscribeCalendlyAsync(tokens.AccessToken, subscribed.Value, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Push set up after the row that names it, its answer saved with status <c>active</c>. Refused: status <c>error</c>
    /// with why. Set up but not saved (the row changed meanwhile): undone at the provider.
    /// </summary>
    private async Task<string?> SetUpPushAsync(Integration integration, Func<Task<PushSetUp>> setUp, Func<PushSetUp, Task> undo,
        CancellationToken cancellationToken)
    {
        PushSetUp done;
        try
        {
            done = await setUp().ConfigureAwait(false);
        }
        catch (OAuthProviderException e)
        {
            logger.LogWarning("OAuth: push for integration {IntegrationId} not set up: {Reason}", integration.Id, e.Message);
            await activation.TrySaveAsync(integration with
            {
                Status = IntegrationStatus.Error, StatusDetail = $"Connected, but the provider refused to send us its events ({e.Message}) Connect again.",
            }, cancellationToken).ConfigureAwait(false);
            return "push_failed";
        }
        var settings = integration.Settings;
        settings[done.Setting] = done.Value;
        Integration? saved = null;
        try
        {
            saved = await activation.TrySaveAsync(integration with
            {
                SettingsJson = settings.ToJsonString(), PushExpiresAt = done.ExpiresAt, Status = IntegrationStatus.Active, StatusDetail = null,
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (saved is null) await undo(done).ConfigureAwait(false); // changed meanwhile, or storage failed: nothing remembers it
        }
        return saved is null ? "conflict" : null;
    }

    private async Task<string?> ActivateAsync(Integration integration, CancellationToken cancellationToken)
    {
        await activation.SaveAsync(integration with { Status = IntegrationStatus.Active, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>New secret, then the row pointing at it (ETag-checked, with the settings given); the new secret goes if that fails, the old one if not.</summary>
    private async Task<Integration> StoreTokensAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, DateTimeOffset? expiresAt,
        JsonObject? settingsChanges, CancellationToken cancellationToken)
    {
        var settings = integration.Settings;
        foreach (var (name, value) in settingsChanges ?? []) settings[name] = value?.DeepClone();
        var secretRef = await vault.StoreAsync(IntegrationService.SecretPrefix("c", integration.TenantId), credentials, cancellationToken).ConfigureAwait(false);
        Integration? saved = null;
        try
        {
            saved = await activation.SaveAsync(integration with
            {
                CredentialsRef = secretRef, TokenExpiresAt = expiresAt, SettingsJson = settings.ToJsonString(),
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (saved is null) await integrations.DeleteSecretQuietlyAsync(secretRef).ConfigureAwait(false);
        }
        if (integration.CredentialsRef is { } replaced) await integrations.DeleteSecretQuietlyAsync(replaced).ConfigureAwait(false);
        return saved;
    }
}
