using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Google consent: userinfo's email first (the account the tokens belong to), then per type: Calendar's push channel to
/// us, Gmail's route by the mailbox address and its watch on our Pub/Sub topic, or nothing more (Meet, Sheets). Every
/// Google type shares the identity scopes (<c>openid email</c>) with only the API scope it needs.
/// </summary>
public sealed class GoogleConsent(GoogleApi google, GoogleCalendarPush calendar, IntegrationRows rows, ConsentSteps steps, ICredentialVault vault,
    IOptions<GoogleOptions> options) : IOAuthConsent
{
    private static readonly Dictionary<string, string[]> Scopes = new(StringComparer.Ordinal)
    {
        [GoogleModule.Calendar] = ["openid", "email", "https://www.googleapis.com/auth/calendar.events"],
        // Meet links are created as conference data on Calendar events.
        [GoogleModule.Meet] = ["openid", "email", "https://www.googleapis.com/auth/calendar.events"],
        [GoogleModule.Sheets] = ["openid", "email", "https://www.googleapis.com/auth/spreadsheets"],
        [GoogleModule.Gmail] = ["openid", "email", "https://www.googleapis.com/auth/gmail.modify"],
    };

    public IReadOnlyCollection<string> TypeSlugs => GoogleModule.TypeSlugs;

    public OAuthProvider Provider => GoogleModule.OAuth;

    public IReadOnlyList<string> ScopesFor(string typeSlug) => Scopes[typeSlug];

    /// <summary>Gmail's watch publishes to our Pub/Sub topic: without it, consent would end in a mailbox that never pushes.</summary>
    public void EnsureConfigured(string typeSlug)
    {
        if (typeSlug == GoogleModule.Gmail) ConfiguredSecrets.Require(options.Value.PubSubTopic, SettingNames.GooglePubSubTopic);
    }

    public async Task<ConsentOutcome> CompleteAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var email = await google.EmailAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        var stored = await rows.StoreCredentialsAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt, new JsonObject { ["email"] = email },
            cancellationToken).ConfigureAwait(false);
        return integration.TypeSlug switch
        {
            GoogleModule.Calendar => await WatchCalendarAsync(stored, tokens.AccessToken, cancellationToken).ConfigureAwait(false),
            GoogleModule.Gmail => await WatchGmailAsync(stored, tokens.AccessToken, email, cancellationToken).ConfigureAwait(false),
            _ => await steps.ActivateAsync(stored, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<ConsentOutcome> WatchCalendarAsync(Integration stored, string accessToken, CancellationToken cancellationToken)
    {
        // Connected before: that channel (same id) is stopped first, or Google refuses a second channel with our id.
        if (stored.Setting("channel_resource_id") is { } previous)
            await google.StopCalendarAsync(stored, accessToken, previous, cancellationToken).ConfigureAwait(false);
        var channeled = await calendar.OpenChannelAsync(stored, cancellationToken).ConfigureAwait(false);
        var channelToken = (await vault.ReadAsync(channeled.WebhookSecretRef!, cancellationToken).ConfigureAwait(false))?[GoogleCalendarPush.ChannelToken]
            ?? throw new CredentialVaultException("The channel token just stored could not be read back.");
        return await steps.SetUpPushAsync(channeled,
            () => google.WatchCalendarAsync(channeled, accessToken, channelToken, cancellationToken),
            watched => google.StopCalendarAsync(channeled, accessToken, watched.Value, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gmail's push names the mailbox by its address: that is the route, as Google itself reported it.</summary>
    private async Task<ConsentOutcome> WatchGmailAsync(Integration stored, string accessToken, string email, CancellationToken cancellationToken)
    {
        var routed = await rows.RouteToAccountAsync(stored, "email", email.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        return await steps.SetUpPushAsync(routed,
            () => google.WatchGmailAsync(accessToken, cancellationToken),
            _ => google.StopGmailAsync(accessToken, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
    }
}
