using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Facebook consent: the short-lived user token is exchanged for a long-lived one (about 60 days), kept as the
/// integration's credentials; the owner then picks the page / Instagram account / WhatsApp number
/// (<c>…/connect/accounts/</c>, <see cref="MetaAccounts"/>). The exchange is a POST with form fields (Graph accepts them as
/// the documented GET's query) so no token is in a URL.
/// </summary>
public sealed class MetaConsent(OAuthTokenClient tokenClient, IntegrationRows rows, ILogger<MetaConsent> logger) : IOAuthConsent
{
    public const string ChooseAccountDetail = "Choose which page/account to connect.";

    private static readonly Dictionary<string, string[]> Scopes = new(StringComparer.Ordinal)
    {
        [MetaModule.Messenger] = ["pages_show_list", "pages_messaging", "pages_manage_metadata"],
        [MetaModule.Instagram] = ["pages_show_list", "instagram_basic", "instagram_manage_messages", "pages_manage_metadata"],
        [MetaModule.WhatsApp] = ["business_management", "whatsapp_business_management", "whatsapp_business_messaging"],
    };

    public IReadOnlyCollection<string> TypeSlugs => MetaModule.TypeSlugs;

    public OAuthProvider Provider => MetaModule.OAuth;

    public IReadOnlyList<string> ScopesFor(string typeSlug) => Scopes[typeSlug];

    public async Task<ConsentOutcome> CompleteAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        OAuthTokens longLived;
        try
        {
            longLived = await tokenClient.ExchangeAsync(Provider, [new("grant_type", "fb_exchange_token"), new("fb_exchange_token", tokens.AccessToken)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderCallException e)
        {
            logger.LogWarning("OAuth meta: long-lived exchange for integration {IntegrationId} failed: {Reason}", integration.Id, e.Message);
            return ConsentOutcome.ExchangeFailed;
        }
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal) { [MetaModule.UserTokenCredential] = longLived.AccessToken };
        if (longLived.ToCredentials().TryGetValue("expires_at", out var expiresAt)) credentials["expires_at"] = expiresAt;
        await rows.StoreCredentialsAsync(integration with { Status = IntegrationStatus.Pending, StatusDetail = ChooseAccountDetail }, credentials,
            longLived.ExpiresAt, null, cancellationToken).ConfigureAwait(false);
        return ConsentOutcome.Connected;
    }
}
