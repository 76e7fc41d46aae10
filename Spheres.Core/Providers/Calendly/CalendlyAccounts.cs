using Spheres.Core.Configuration;
using Microsoft.Extensions.Options;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Calendly;

/// <summary>Calendly names the user a token belongs to by its URI.</summary>
public sealed class CalendlyAccounts(CalendlyApi calendly) : TokenOwnerLookup
{
    public override IReadOnlyCollection<string> TypeSlugs { get; } = [CalendlyModule.TypeSlug];

    protected override async Task<string> OwnerAsync(string token, CancellationToken cancellationToken) =>
        (await calendly.UserAsync(token, cancellationToken).ConfigureAwait(false)).UserUri;
}

/// <summary>
/// Calendly consent: the user and its organization from <c>/users/me</c>, the tokens stored with the organization, the user
/// routed as activation routes it, then our webhook subscription for its invitee events (a previous one removed first:
/// Calendly refuses a second for the same URL and user).
/// </summary>
public sealed class CalendlyConsent(CalendlyApi calendly, IntegrationRows rows, ConsentSteps steps, IOptions<CalendlyOptions> options) : IOAuthConsent
{
    public IReadOnlyCollection<string> TypeSlugs { get; } = [CalendlyModule.TypeSlug];

    public OAuthProvider Provider => CalendlyModule.OAuth;

    public IReadOnlyList<string> ScopesFor(string typeSlug) => ["default"];

    /// <summary>The subscription is signed with our key: without it, consent would end in a push nobody can verify.</summary>
    public void EnsureConfigured(string typeSlug) => ConfiguredSecrets.Require(options.Value.SigningKey, SettingNames.CalendlySigningKey);

    public async Task<ConsentOutcome> CompleteAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var (userUri, organization) = await calendly.UserAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        var stored = await rows.StoreCredentialsAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt,
            organization is null ? null : new() { ["organization_uri"] = organization }, cancellationToken).ConfigureAwait(false);
        var routed = await rows.RouteToAccountAsync(stored, "user_uri", userUri, cancellationToken).ConfigureAwait(false);
        if (routed.Setting("webhook_subscription_uri") is { } previous)
            await calendly.UnsubscribeAsync(tokens.AccessToken, previous, cancellationToken).ConfigureAwait(false);
        return await steps.SetUpPushAsync(routed,
            () => calendly.SubscribeAsync(routed, tokens.AccessToken, userUri, organization, cancellationToken),
            subscribed => calendly.UnsubscribeAsync(tokens.AccessToken, subscribed.Value, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
    }
}
