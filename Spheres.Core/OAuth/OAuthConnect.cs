using System.Text;
using Microsoft.Extensions.Options;
using Spheres.Core.Accounts;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.OAuth;

/// <summary>Where the frontend sends the owner to consent, and until when that link works.</summary>
public sealed record AuthorizationStart(string AuthorizationUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST …/{id}/connect/</c>: the provider's authorization URL for one of the caller's OAuth integrations, with our
/// client id, the type's least-privilege scopes, our fixed redirect URI, a fresh single-use state and, where the provider
/// takes it, a PKCE S256 challenge. Everything the callback will need is checked here first, so a misconfigured
/// deployment answers 503 <c>not-configured</c> before the owner is sent anywhere.
/// </summary>
public sealed class OAuthConnect(
    TenantIntegrations integrations, ProviderRegistry providers, OAuthStateStore states, OAuthTokenClient tokens, IOptions<PublicUrlOptions> urls)
{
    public const string NotOAuthType = "not-oauth";

    public async Task<AuthorizationStart> StartAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (profile, snapshot) = await integrations.ContextAsync(caller, cancellationToken).ConfigureAwait(false);
        var integration = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var consent = providers.Find<IOAuthConsent>(integration.TypeSlug)
            ?? throw new ProblemException(400, NotOAuthType, "Not connected by OAuth.",
                $"{integration.TypeSlug} is connected with its credentials (PUT them, then activate), not by consent.");
        if (IntegrationAvailability.WhyUnavailable(snapshot.FindType(integration.TypeId), profile, snapshot) is { } reason) throw reason;

        var provider = consent.Provider;
        var client = tokens.ClientOf(provider);
        var (clientId, _) = provider.Client(client);
        urls.Value.RequireFrontend();
        consent.EnsureConfigured(integration.TypeSlug);
        var verifier = provider.SupportsPkce ? OAuthStateStore.NewRandomToken() : null;
        var (state, expiresAt) = await states.IssueAsync(caller.TenantId, integration.Id, provider.Name, verifier, cancellationToken).ConfigureAwait(false);

        var query = new List<(string, string)>
        {
            ("response_type", "code"), ("client_id", clientId), ("redirect_uri", RedirectUri(urls.Value, provider)),
            ("scope", string.Join(provider.ScopeSeparator, consent.ScopesFor(integration.TypeSlug))), ("state", state),
        };
        if (verifier is not null) query.AddRange([("code_challenge", OAuthStateStore.ChallengeOf(verifier)), ("code_challenge_method", "S256")]);
        query.AddRange(provider.AuthorizeParameters);
        return new AuthorizationStart(WithQuery(provider.AuthorizeEndpoint(client), query), expiresAt);
    }

    /// <summary><c>{PublicBaseUrl}/api/oauth/{provider}/callback/</c>, exactly as registered at the provider.</summary>
    public static string RedirectUri(PublicUrlOptions urls, OAuthProvider provider) => urls.RequirePublicBase() + $"/api/oauth/{provider.Name}/callback/";

    private static string WithQuery(string endpoint, IEnumerable<(string Name, string Value)> query)
    {
        var url = new StringBuilder(endpoint).Append(endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        url.AppendJoin('&', query.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return url.ToString();
    }
}
