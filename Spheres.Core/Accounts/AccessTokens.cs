using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

/// <summary>How access tokens are signed (section <c>Spheres:Auth</c>); the key comes from Key Vault in Azure.</summary>
public sealed class AuthOptions
{
    public const string Section = "Spheres:Auth";

    public string? SigningKey { get; set; }
}

/// <summary>
/// Signed JWT access tokens (HS256) carrying the tenant, the user and the sign-in session. Issuer, audience, lifetime
/// and signature are all checked; only HS256 is accepted, so <c>alg: none</c> and re-signed tokens are refused. A token
/// is accepted only while its session is live (<see cref="Sessions.SessionCheck"/>): logout, a password change or reset
/// and erasure end it within <see cref="Sessions.SessionCheck.CacheLifetime"/>, not at its expiry.
/// </summary>
public sealed class AccessTokens
{
    public const string Issuer = "spheres";
    public const string Audience = "spheres-api";
    public const string TenantClaim = "tid";
    public const string SessionClaim = "sid";

    /// <summary>Short: clients renew with the refresh token (a revoked session stops far sooner, see <see cref="Sessions.SessionCheck"/>).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private const int MinKeyBytes = 32;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey? _signingKey;
    private readonly TimeProvider _time;
    private readonly Sessions.SessionCheck _sessions;

    public AccessTokens(IOptions<AuthOptions> options, TimeProvider time, Sessions.SessionCheck sessions)
    {
        _sessions = sessions;
        var key = options.Value.SigningKey;
        _signingKey = ConfiguredSecrets.IsUsable(key) && Encoding.UTF8.GetByteCount(key!) >= MinKeyBytes
            ? new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key!))
            : null;
        _time = time;
    }

    public bool IsConfigured => _signingKey is not null;

    /// <summary>
    /// 503 <c>not-configured</c> without a usable signing key. Registration calls this before it
    /// writes anything, so no account is created that could never be signed in to.
    /// </summary>
    public void EnsureConfigured() => SigningKey();

    public IssuedToken Issue(string tenantId, string userId, string sessionId)
    {
        List<Claim> claims = [new(JwtRegisteredClaimNames.Sub, userId), new(TenantClaim, tenantId), new(SessionClaim, sessionId)];
        var now = _time.GetUtcNow();
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(Lifetime).UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(SigningKey(), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, (int)Lifetime.TotalSeconds);
    }

    /// <summary>The caller of a request, from its <c>Authorization: Bearer</c> header; 401 otherwise, and for a session that ended.</summary>
    /// <param name="fresh">For requests that write: the session is read from storage, not from this instance's short cache.</param>
    public async Task<Caller> AuthenticateAsync(string? authorizationHeader, bool fresh = false, CancellationToken cancellationToken = default)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.Unauthorized("Send an access token: Authorization: Bearer <access_token>.");
        }
        var result = await _handler.ValidateTokenAsync(authorizationHeader[scheme.Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = SigningKey(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now + parameters.ClockSkew) && expires is { } e && now - parameters.ClockSkew < e;
            },
        }).ConfigureAwait(false);
        if (!result.IsValid
            || !result.Claims.TryGetValue(TenantClaim, out var tenant) || tenant is not string tenantId || tenantId.Length == 0
            || !result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var subject) || subject is not string userId
            || !result.Claims.TryGetValue(SessionClaim, out var sid) || sid is not string { Length: > 0 and <= 64 } sessionId
            || !ProfileService.IsTenantId(tenantId))
        {
            throw ProblemException.Unauthorized("The access token is not valid or has expired; sign in again.", "Bearer error=\"invalid_token\"");
        }
        if (!sessionId.All(char.IsAsciiHexDigitLower) || !await _sessions.IsLiveAsync(tenantId, sessionId, fresh, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Unauthorized("This session has ended (signed out, password changed, or account erased); sign in again.",
                "Bearer error=\"invalid_token\"");
        }
        return new Caller(tenantId, userId, sessionId);
    }

    private SymmetricSecurityKey SigningKey() =>
        _signingKey ?? throw ConfiguredSecrets.NotConfigured($"{SettingNames.AuthSigningKey} (at least {MinKeyBytes} bytes)");
}
