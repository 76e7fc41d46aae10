using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Spheres.Core.Configuration;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// The six providers' authorization servers on a loopback port, configured only through API.md's names
/// (<see cref="Settings"/>). <see cref="Consent"/> plays the owner's browser at the authorize endpoint: it checks what our
/// authorization URL carries (client id, redirect URI, scopes, S256 challenge where PKCE is supported) and hands out a code.
/// The token endpoint checks what we send (client authentication as the provider wants it, the same redirect URI, the
/// PKCE verifier against the challenge, each code once) and refuses anything else as a real one would; every request is
/// recorded (<see cref="TokenRequests"/>) and every refusal noted (<see cref="Refusals"/>). Access tokens it issues are
/// known to <see cref="FakeProviderAccounts"/>, so identity calls answer for the account the owner consented with.
/// </summary>
public sealed class FakeOAuthServer : IAsyncDisposable
{
    public sealed record TokenRequest(string Provider, string GrantType, bool BasicAuth, IReadOnlyDictionary<string, string> Form);

    /// <summary>A revocation as received: the provider and the token it was asked to forget.</summary>
    public sealed record Revocation(string Provider, string Token);

    private sealed record Grant(string Provider, string RedirectUri, string? Challenge, string AccountId);

    private readonly WebApplication _app;
    private readonly FakeProviderAccounts _accounts;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, string> _issuedAccessTokens = new();
    private readonly ConcurrentQueue<TokenRequest> _tokenRequests = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly ConcurrentQueue<Revocation> _revocations = new();
    private readonly Dictionary<string, string> _secrets = OAuthProviders.All.ToDictionary(p => p.Name, p => SecretSentinel.NewSecret("client-" + p.Name));

    private FakeOAuthServer(WebApplication app, FakeProviderAccounts accounts)
    {
        _app = app;
        _accounts = accounts;
    }

    public const string FrontendBaseUrl = "https://app.spheres.test";
    public const string PubSubTopic = "projects/spheres-test/topics/gmail";

    public string BaseUrl { get; private set; } = "";

    /// <summary>When set, the token endpoint refuses every code (invalid_grant).</summary>
    public bool RefuseCodes { get; set; }

    /// <summary>When set, codes exchange for access tokens no provider API accepts (identity reads are refused).</summary>
    public bool IssueUnknownTokens { get; set; }

    /// <summary>Where Meta's long-lived tokens come from; by default ones no Graph call accepts (a test of the selection sets an owner's).</summary>
    public Func<string> MetaLongLivedToken { get; set; } = () => SecretSentinel.NewSecret("meta-long-lived");

    public IReadOnlyList<TokenRequest> TokenRequests => _tokenRequests.ToArray();

    public IReadOnlyList<string> Refusals => _refusals.ToArray();

    /// <summary>Every grant the app revoked (the providers' revocation endpoints, each checking its client authentication).</summary>
    public IReadOnlyList<Revocation> Revocations => _revocations.ToArray();

    /// <summary>Access tokens the token endpoint gave out, by the account they belong to.</summary>
    public IReadOnlyDictionary<string, string> IssuedAccessTokens => _issuedAccessTokens;

    public static string ClientId(OAuthProvider provider) => "client-id-" + provider.Name;

    /// <summary>Everything the consent flow reads, by the configuration names of API.md.</summary>
    public IDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            [SettingNames.FrontendBaseUrl] = FrontendBaseUrl,
            [SettingNames.GooglePubSubTopic] = PubSubTopic,
        };
        foreach (var provider in OAuthProviders.All)
        {
            settings[provider.ClientIdSetting] = ClientId(provider);
            settings[provider.ClientSecretSetting] = _secrets[provider.Name];
            settings[provider.AuthorizeUrlSetting] = $"{BaseUrl}/{provider.Name}/authorize";
            settings[provider.TokenUrlSetting] = $"{BaseUrl}/{provider.Name}/token";
            settings[provider.RevokeUrlSetting] = $"{BaseUrl}/{provider.Name}/revoke";
        }
        return settings;
    }

    public static async Task<FakeOAuthServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOAuthServer(app, await FakeProviderAccounts.Shared);
        app.MapPost("/{provider}/token", (string provider, HttpRequest request) => fake.TokenAsync(provider, request));
        app.MapPost("/{provider}/revoke", (string provider, HttpRequest request) => fake.RevokeAsync(provider, request));
        app.MapDelete("/meta/revoke", (HttpRequest request) => fake.RevokeMeta(request));
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    /// <summary>
    /// The owner consents at the provider as <paramref name="accountId"/>: checks the authorization URL and answers the path and
    /// query the provider redirects the browser to (our callback, relative, with code and state).
    /// </summary>
    public string Consent(string authorizationUrl, string typeSlug, string accountId)
    {
        var (provider, query) = Authorize(authorizationUrl, typeSlug);
        var code = SecretSentinel.NewSecret("code-" + provider.Name);
        _codes[code] = new Grant(provider.Name, query["redirect_uri"], query.GetValueOrDefault("code_challenge"), accountId);
        return CallbackPath(query, $"code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"])}");
    }

    /// <summary>The owner clicks "Cancel": the provider sends the browser back with error=access_denied and the state.</summary>
    public string Deny(string authorizationUrl, string typeSlug)
    {
        var (_, query) = Authorize(authorizationUrl, typeSlug);
        return CallbackPath(query, $"error=access_denied&state={Uri.EscapeDataString(query["state"])}");
    }

    private (OAuthProvider Provider, Dictionary<string, string> Query) Authorize(string authorizationUrl, string typeSlug)
    {
        var url = new Uri(authorizationUrl);
        var (provider, scopes) = OAuthProviders.ForType(typeSlug)!.Value;
        Assert.Equal($"{BaseUrl}/{provider.Name}/authorize", url.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(url.Query).ToDictionary(p => p.Key, p => Assert.Single(p.Value)!);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(ClientId(provider), query["client_id"]);
        Assert.Equal($"https://spheres.test/api/oauth/{provider.Name}/callback/", query["redirect_uri"]);
        Assert.Equal(scopes, query["scope"].Split(provider == OAuthProviders.Meta ? ',' : ' '));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", query["state"]);
        if (provider.SupportsPkce)
        {
            Assert.Equal("S256", query["code_challenge_method"]);
            Assert.Matches("^[A-Za-z0-9_-]{43}$", query["code_challenge"]);
        }
        else
        {
            Assert.False(query.ContainsKey("code_challenge"));
        }
        if (provider == OAuthProviders.Google)
        {
            Assert.Equal("offline", query["access_type"]);
            Assert.Equal("consent", query["prompt"]);
        }
        return (provider, query);
    }

    private static string CallbackPath(Dictionary<string, string> query, string parameters) =>
        new Uri(query["redirect_uri"]).AbsolutePath + "?" + parameters;

    private async Task<IResult> TokenAsync(string providerName, HttpRequest request)
    {
        var provider = OAuthProviders.Named(providerName)!;
        // Square's ObtainToken reads JSON; the others a form, as their documentation says.
        var json = request.HasJsonContentType();
        if (json != (provider == OAuthProviders.Square)) return Refuse("invalid_request", $"{provider.Name}: body is not in the provider's encoding");
        var form = json
            ? (await request.ReadFromJsonAsync<Dictionary<string, string>>())!
            : (await request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString());
        var authorization = request.Headers.Authorization.ToString();
        var grantType = form.GetValueOrDefault("grant_type") ?? "";
        _tokenRequests.Enqueue(new TokenRequest(provider.Name, grantType, authorization.StartsWith("Basic ", StringComparison.Ordinal), form));
        if (!FakeClientAuthentication.Accepts(provider, revoke: false, authorization, form, ClientId(provider), _secrets[provider.Name]))
            return Refuse("invalid_client", $"{provider.Name}: client authentication not as the provider wants it", 401);

        if (grantType == "fb_exchange_token" && provider == OAuthProviders.Meta)
        {
            if (!_issuedAccessTokens.Values.Contains(form.GetValueOrDefault("fb_exchange_token") ?? "?"))
                return Refuse("invalid_grant", "meta: fb_exchange_token is not a token we issued");
            var longLived = MetaLongLivedToken();
            _issuedAccessTokens["long-lived:" + longLived] = longLived;
            return Results.Json(new { access_token = longLived, token_type = "bearer", expires_in = 5_183_944 });
        }
        if (grantType != "authorization_code") return Refuse("unsupported_grant_type", $"{provider.Name}: grant_type {grantType}");
        if (RefuseCodes) return Refuse("invalid_grant", "codes refused by the test");
        if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant) || grant.Provider != provider.Name)
            return Refuse("invalid_grant", $"{provider.Name}: unknown or reused code");
        if (form.GetValueOrDefault("redirect_uri") != grant.RedirectUri) return Refuse("invalid_grant", $"{provider.Name}: redirect_uri differs");
        if (grant.Challenge is not null)
        {
            var verifier = form.GetValueOrDefault("code_verifier") ?? "";
            var challenge = Base64UrlSha256(verifier);
            if (challenge != grant.Challenge) return Refuse("invalid_grant", $"{provider.Name}: code_verifier does not match the S256 challenge");
        }
        else if (form.ContainsKey("code_verifier"))
        {
            return Refuse("invalid_request", $"{provider.Name}: a verifier without a challenge");
        }
        var accessToken = IssueUnknownTokens ? SecretSentinel.NewSecret("unknown") : _accounts.TokenFor(IdentityKind(provider), grant.AccountId);
        _issuedAccessTokens[grant.AccountId] = accessToken;
        var refreshToken = SecretSentinel.NewSecret("refresh-" + provider.Name);
        return provider == OAuthProviders.Square // an absolute expiry, 30 days out, and the merchant
            ? Results.Json(new { access_token = accessToken, refresh_token = refreshToken, token_type = "bearer",
                expires_at = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ"), merchant_id = grant.AccountId })
            : Results.Json(new { access_token = accessToken, refresh_token = refreshToken, expires_in = 3599, token_type = "Bearer" });
    }

    /// <summary>RFC 7009 (Zoom, Calendly, Zocdoc), Google's token form, Square's JSON with <c>Authorization: Client</c>.</summary>
    private async Task<IResult> RevokeAsync(string providerName, HttpRequest request)
    {
        var provider = OAuthProviders.Named(providerName)!;
        var form = request.HasJsonContentType()
            ? (await request.ReadFromJsonAsync<Dictionary<string, string>>())!
            : (await request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString());
        if (!FakeClientAuthentication.Accepts(provider, revoke: true, request.Headers.Authorization.ToString(), form, ClientId(provider), _secrets[provider.Name]))
            return Refuse("invalid_client", $"{provider.Name}: revocation not authenticated as the provider wants it", 401);
        if ((form.GetValueOrDefault("token") ?? form.GetValueOrDefault("access_token")) is not { } token) return Refuse("invalid_request", "no token to revoke");
        _revocations.Enqueue(new Revocation(provider.Name, token));
        return Results.Json(new { success = true });
    }

    /// <summary>Meta: <c>DELETE /me/permissions</c> with the user's token as the bearer.</summary>
    private IResult RevokeMeta(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || request.Query.ContainsKey("access_token"))
            return Refuse("invalid_request", "meta: the token must come as the bearer, never in the URL");
        _revocations.Enqueue(new Revocation("meta", authorization["Bearer ".Length..]));
        return Results.Json(new { success = true });
    }

    /// <summary>Which who-am-I family of <see cref="FakeProviderAccounts"/> the provider's tokens answer for.</summary>
    private static string IdentityKind(OAuthProvider provider) => provider.Name switch
    {
        "square" => "square-appointments",
        var name => name,
    };

    private IResult Refuse(string error, string why, int status = 400)
    {
        _refusals.Enqueue(why);
        return Results.Json(new { error }, statusCode: status);
    }

    private static string Base64UrlSha256(string verifier) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
