using System.Text;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Accounts;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.OAuth;

/// <summary>Where the frontend sends the owner to consent, and until when that link works.</summary>
public sealed record AuthorizationStart(string AuthorizationUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST …/{id}/connect/</c>: the provider's authorization URL for one of the caller's OAuth integrations, with our
/// client id, the type's least-privilege scopes, our fixed redirect URI, a fresh single-use state and, where the provider
/// takes it, a PKCE S256 challenge. Everything the callback will need is checked here first, so a misconfigured
/// deployment answers 503 <c>not-configured</c> before the owner is sent anywhere.
/// </summary>
public sealed class OAuthConnect(IntegrationService integrations, OAuthStateStore states, IConfiguration configuration)
{
    public const string NotOAuthType = "not-oauth";

    public async Task<AuthorizationStart> StartAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await integrations.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integration = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var (provider, scopes) = OAuthProviders.ForType(integration.TypeSlug)
            ?? throw new ProblemException(400, NotOAuthType, "Not connected by OAuth.",
                $"{integration.TypeSlug} is connected with its credentials (PUT them, then activate), not by consent.");
        if (IntegrationAvailability.WhyUnavailable(snapshot.FindType(integration.TypeId), profile, snapshot) is { } reason) throw reason;

        var (clientId, _) = provider.Client(configuration);
        OAuthUrls.FrontendBaseUrl(configuration);
        RequirePushConfiguration(integration.TypeSlug);
        var verifier = provider.SupportsPkce ? OAuthStateStore.NewRandomToken() : null;
        var (state, expiresAt) = await states.IssueAsync(caller.TenantId, integration.Id, provider.Name, verifier, cancellationToken).ConfigureAwait(false);

        var query = new List<(string, string)>
        {
            ("response_type", "code"), ("client_id", clientId), ("redirect_uri", OAuthUrls.RedirectUri(configuration, provider)),
            // Meta's dialog takes a comma-separated list; the others the RFC 6749 space-separated one.
            ("scope", string.Join(provider == OAuthProviders.Meta ? "," : " ", scopes)), ("state", state),
        };
        if (verifier is not null) query.AddRange([("code_challenge", OAuthStateStore.ChallengeOf(verifier)), ("code_challenge_method", "S256")]);
        // Google gives a refresh token only for offline access, and again on re-consent only when asked to prompt.
        if (provider == OAuthProviders.Google) query.AddRange([("access_type", "offline"), ("prompt", "consent")]);
        return new AuthorizationStart(WithQuery(provider.AuthorizeEndpoint(configuration), query), expiresAt);
    }

    /// <summary>Gmail's watch needs the Pub/Sub topic, Calendly's subscription our signing key: both before consent.</summary>
    private void RequirePushConfiguration(string typeSlug)
    {
        if (typeSlug == "gmail") ConfiguredSecrets.Require(configuration, SettingNames.GooglePubSubTopic);
        if (typeSlug == "calendly") ConfiguredSecrets.Require(configuration, SettingNames.CalendlySigningKey);
    }

    private static string WithQuery(string endpoint, IEnumerable<(string Name, string Value)> query)
    {
        var url = new StringBuilder(endpoint).Append(endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        url.AppendJoin('&', query.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return url.ToString();
    }
}

/// <summary>The two fixed URLs of the flow: our callback (registered at each provider) and the frontend page the owner returns to.</summary>
public static class OAuthUrls
{
    /// <summary><c>{PublicBaseUrl}/api/oauth/{provider}/callback/</c>, exactly as registered at the provider.</summary>
    public static string RedirectUri(IConfiguration configuration, OAuthProvider provider) =>
        (configuration[SettingNames.PublicBaseUrl] is { Length: > 0 } url && Uri.IsWellFormedUriString(url, UriKind.Absolute)
            ? url.TrimEnd('/')
            : throw ConfiguredSecrets.NotConfigured(SettingNames.PublicBaseUrl)) + $"/api/oauth/{provider.Name}/callback/";

    /// <summary>The only place a callback ever redirects to; 503 <c>not-configured</c> without it.</summary>
    public static string FrontendBaseUrl(IConfiguration configuration) =>
        configuration[SettingNames.FrontendBaseUrl] is { Length: > 0 } url && Uri.IsWellFormedUriString(url, UriKind.Absolute)
            ? url.TrimEnd('/')
            : throw ConfiguredSecrets.NotConfigured(SettingNames.FrontendBaseUrl);
}
