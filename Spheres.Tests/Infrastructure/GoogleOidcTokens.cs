using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// Stands in for Google's OIDC signer: an RSA key whose public half <see cref="FakeProviderAccounts"/> serves as a
/// JWKS on loopback (every test host reads it there), and tokens as Pub/Sub signs them for a push.
/// </summary>
public static class GoogleOidcTokens
{
    public const string Audience = "https://spheres.test/api/webhooks/gmail/";
    public const string ServiceAccount = "gmail-push@spheres-test.iam.gserviceaccount.com";
    public const string JwksPath = "/google/oauth2/v3/certs";

    private static readonly RSA Key = RSA.Create(2048);
    private static readonly RsaSecurityKey SigningKey = new(Key) { KeyId = "test-" + Guid.NewGuid().ToString("N")[..8] };

    /// <summary>The public key as Google publishes its certs.</summary>
    public static object Jwks()
    {
        var parameters = Key.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[]
            {
                new { kty = "RSA", alg = "RS256", use = "sig", kid = SigningKey.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        };
    }

    /// <summary>A push token as Google signs it; each part can be made wrong. Registered with the sentinel: it must never be echoed or logged.</summary>
    public static string Sign(DateTimeOffset now, string issuer = "https://accounts.google.com", string audience = Audience, string email = ServiceAccount,
        bool emailVerified = true, TimeSpan? lifetime = null, RSA? otherKey = null)
    {
        var key = otherKey is null ? (SecurityKey)SigningKey : new RsaSecurityKey(otherKey) { KeyId = SigningKey.KeyId };
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "113456789012345678901")]),
            Claims = new Dictionary<string, object> { ["email"] = email, ["email_verified"] = emailVerified, ["azp"] = "113456789012345678901" },
            IssuedAt = (expires - TimeSpan.FromHours(1)).UtcDateTime,
            NotBefore = (expires - TimeSpan.FromHours(1)).UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        return SecretSentinel.Register(token);
    }
}
