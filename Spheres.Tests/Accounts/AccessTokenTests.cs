using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spheres.Core.Accounts;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

public sealed class AccessTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestHost _host = null!;
    private TenantSession _tenant = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));
        _tenant = await _host.RegisterAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> ProfileWithAsync(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/profile/");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _host.Client.SendAsync(request);
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task The_issued_token_works() =>
        await (await ProfileWithAsync("Bearer " + _tenant.AccessToken)).JsonAsync();

    public static TheoryData<string?> Refused => new()
    {
        null,
        "",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer not-a-jwt",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Missing_or_malformed_tokens_are_401(string? authorization) =>
        await (await ProfileWithAsync(authorization)).ProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task An_unsigned_alg_none_token_is_401()
    {
        var parts = _tenant.AccessToken.Split('.');
        var unsigned = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        await (await ProfileWithAsync("Bearer " + unsigned)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_whose_payload_was_changed_is_401()
    {
        var other = await _host.RegisterAsync();
        var parts = _tenant.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(_tenant.TenantId, other.TenantId);
        var tampered = parts[0] + "." + Base64Url(payload) + "." + parts[2];
        await (await ProfileWithAsync("Bearer " + tampered)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("another-key-of-enough-length-0123456789", AccessTokens.Issuer, AccessTokens.Audience)]
    [InlineData(TestHost.SigningKey, "someone-else", AccessTokens.Audience)]
    [InlineData(TestHost.SigningKey, AccessTokens.Issuer, "another-api")]
    public async Task Tokens_with_another_key_issuer_or_audience_are_401(string key, string issuer, string audience)
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("sub", _tenant.UserId), new Claim(AccessTokens.TenantClaim, _tenant.TenantId)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
        await (await ProfileWithAsync("Bearer " + token)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        _clock.Advance(AccessTokens.Lifetime + TimeSpan.FromMinutes(1));
        await (await ProfileWithAsync("Bearer " + _tenant.AccessToken)).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
