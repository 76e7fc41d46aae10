using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Tokens;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;

namespace Spheres.Core.Providers.Google;

/// <summary>
/// Verifies the OIDC token Pub/Sub puts on a push (<c>Authorization: Bearer</c>): RS256 signed by one of
/// Google's keys (JWKS from <c>Spheres:Google:OidcJwksUrl</c>), issuer Google, audience ours, <c>email</c> our
/// push service account with <c>email_verified</c>, within its lifetime. The keys are cached by a configuration
/// manager (refetched every 12 h; an unknown key id asks for a refetch at most once per 5 minutes), so anonymous
/// requests can never make us fetch more often than that. Missing settings: 503 <c>not-configured</c>.
/// </summary>
public sealed class GoogleOidcVerifier(IOptions<GoogleOptions> options, IHttpClientFactory httpClients, TimeProvider time)
{
    public const int MaxTokenChars = 8 * 1024;
    private static readonly string[] Issuers = ["https://accounts.google.com", "accounts.google.com"];
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly Lock _lock = new();
    private (string Url, ConfigurationManager<JsonWebKeySet> Manager)? _keys;

    public async Task VerifyAsync(string? authorization, CancellationToken cancellationToken)
    {
        var audience = ConfiguredSecrets.Require(options.Value.PubSubAudience, SettingNames.GooglePubSubAudience);
        var account = ConfiguredSecrets.Require(options.Value.PubSubServiceAccount, SettingNames.GooglePubSubServiceAccount);
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > scheme.Length + MaxTokenChars)
        {
            throw WebhookRejected.Unauthorized("Pub/Sub pushes carry Authorization: Bearer <Google-signed OIDC token>.");
        }
        var token = authorization[scheme.Length..].Trim();
        var manager = Keys();
        var result = await ValidateAsync(token, audience, manager, cancellationToken).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            manager.RequestRefresh(); // Google rotated its keys; honoured at most once per RefreshInterval
            result = await ValidateAsync(token, audience, manager, cancellationToken).ConfigureAwait(false);
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            throw WebhookRejected.Unauthorized("The OIDC token is not Google's for this endpoint (signature, issuer, audience or lifetime).");
        }
        var emailVerified = jwt.TryGetPayloadValue<bool>("email_verified", out var verified) ? verified
            : jwt.TryGetPayloadValue<string>("email_verified", out var text) && text == "true";
        if (!jwt.TryGetPayloadValue<string>("email", out var email) || !string.Equals(email, account, StringComparison.OrdinalIgnoreCase) || !emailVerified)
        {
            throw WebhookRejected.Unauthorized("The OIDC token was not issued to our Pub/Sub push service account.");
        }
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, string audience, ConfigurationManager<JsonWebKeySet> manager,
        CancellationToken cancellationToken)
    {
        JsonWebKeySet keys;
        try
        {
            keys = await manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or ArgumentException)
        {
            // Pub/Sub retries a 503: nothing is lost while Google's keys cannot be read.
            throw new ProblemException(503, "provider-unreachable", "Google's signing keys could not be read.", "Retry later.") { RetryAfterSeconds = 60 };
        }
        return await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuers = Issuers,
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now + parameters.ClockSkew) && expires is { } e && now - parameters.ClockSkew < e;
            },
        }).ConfigureAwait(false);
    }

    /// <summary>One cached key set per configured URL (a changed setting starts a new cache).</summary>
    private ConfigurationManager<JsonWebKeySet> Keys()
    {
        var url = options.Value.OidcJwksUrl is { Length: > 0 } configured ? configured : GoogleOptions.DefaultJwksUrl;
        lock (_lock)
        {
            if (_keys is { } cached && cached.Url == url) return cached.Manager;
            var uri = new Uri(url);
            var retriever = new HttpDocumentRetriever(httpClients.CreateClient(nameof(GoogleOidcVerifier))) { RequireHttps = !uri.IsLoopback };
            var manager = new ConfigurationManager<JsonWebKeySet>(url, new JwksRetriever(), retriever)
            {
                AutomaticRefreshInterval = TimeSpan.FromHours(12),
                RefreshInterval = TimeSpan.FromMinutes(5),
            };
            _keys = (url, manager);
            return manager;
        }
    }

    /// <summary>Google's certs URL is a bare JWKS, not an OpenID discovery document.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<JsonWebKeySet>
    {
        public async Task<JsonWebKeySet> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel) =>
            new(await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false));
    }
}
