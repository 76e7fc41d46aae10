using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// The providers' "who am I" endpoints on a loopback port, answering for the tokens a test gave out:
/// Graph <c>/me</c> (a page, or its Instagram account) and <c>/{waba}/phone_numbers</c>, Zoom and Calendly
/// <c>/users/me</c>, Square <c>/v2/merchants/me</c>. Any other token is refused with 401, as a provider would.
/// One per test run; every TestHost points its provider base URLs here.
/// </summary>
public sealed partial class FakeProviderAccounts
{
    private static readonly Lazy<Task<FakeProviderAccounts>> Instance = new(StartAsync);
    private readonly ConcurrentDictionary<string, (string Kind, string AccountId)> _owners = new();

    public static Task<FakeProviderAccounts> Shared => Instance.Value;

    public string BaseUrl { get; private set; } = "";

    /// <summary>A new token (watched by SecretSentinel) that the provider of <paramref name="typeSlug"/> says belongs to <paramref name="accountId"/>.</summary>
    public string TokenFor(string typeSlug, string accountId)
    {
        var token = SecretSentinel.NewSecret(typeSlug);
        _owners[token] = (typeSlug, accountId);
        return token;
    }

    /// <summary>A token of Instagram's own login (no Facebook page): Graph's /me names the account as user_id.</summary>
    public const string InstagramLogin = "instagram-login";

    /// <summary>Settings the tests' base URLs for each provider.</summary>
    public IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        [Spheres.Core.Configuration.SettingNames.MetaGraphApiBaseUrl] = BaseUrl + "/graph",
        [Spheres.Core.Configuration.SettingNames.ZoomApiBaseUrl] = BaseUrl + "/zoom",
        [Spheres.Core.Configuration.SettingNames.CalendlyApiBaseUrl] = BaseUrl + "/calendly",
        [Spheres.Core.Configuration.SettingNames.SquareApiBaseUrl] = BaseUrl + "/square",
        // Gmail's Pub/Sub pushes: Google's OIDC keys are served here (GoogleOidcTokens signs with them).
        [Spheres.Core.Configuration.SettingNames.GoogleOidcJwksUrl] = BaseUrl + GoogleOidcTokens.JwksPath,
        [Spheres.Core.Configuration.SettingNames.GooglePubSubAudience] = GoogleOidcTokens.Audience,
        [Spheres.Core.Configuration.SettingNames.GooglePubSubServiceAccount] = GoogleOidcTokens.ServiceAccount,
    };

    private static async Task<FakeProviderAccounts> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeProviderAccounts();
        fake.MapGraphOwnership(app, "/graph");
        app.MapGet("/zoom/users/me", (HttpRequest r) => fake.Answer(r, ["zoom"], id => new { id = "user1", account_id = id }));
        app.MapGet("/calendly/users/me", (HttpRequest r) => fake.Answer(r, ["calendly"], id => new { resource = new { uri = id, current_organization = "https://api.calendly.com/organizations/O1" } }));
        app.MapGet(GoogleOidcTokens.JwksPath, () => Results.Json(GoogleOidcTokens.Jwks()));
        app.MapGet("/square/v2/merchants/me", (HttpRequest r) => fake.Answer(r, ["square-appointments"], id => new { merchant = new { id, business_name = "Salon" } }));
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    /// <summary>Graph's who-am-I endpoints under <paramref name="prefix"/>: here, and on the fake Graph that also takes sends.</summary>
    public void MapGraphOwnership(WebApplication app, string prefix)
    {
        // A page token's /me is the page; an Instagram-linked page also names its Instagram account.
        // An Instagram-login token's /me is the professional account itself (user_id).
        app.MapGet(prefix + "/me", (HttpRequest r) => PageOf(r) is { } page ? Results.Json(PageMe(page)) : Answer(r, ["facebook-messenger", "instagram", InstagramLogin], id => Owner(r)!.Value.Kind switch
        {
            "instagram" => new { id = "page-of-" + id, instagram_business_account = new { id } },
            InstagramLogin => new { id = "app-scoped-" + id, user_id = id },
            _ => (object)new { id, name = "Salon page" },
        }));
        app.MapGet(prefix + "/{waba}/phone_numbers", (HttpRequest r, string waba) => UserOf(r) is { } user
            ? Results.Json(new { data = user.Numbers(waba).Select(id => new { id, display_phone_number = "+380 44 123 4567" }) })
            : Answer(r, ["whatsapp"], id => new { data = new[] { new { id, display_phone_number = "+380 44 123 4567" } } }));
        MapMetaLogins(app, prefix);
    }

    private (string Kind, string AccountId)? Owner(HttpRequest request) =>
        BearerOf(request) is { } token && _owners.TryGetValue(token, out var owner) ? owner : null;

    private IResult Answer(HttpRequest request, string[] kinds, Func<string, object> shape) =>
        Owner(request) is { } owner && kinds.Contains(owner.Kind) ? Results.Json(shape(owner.AccountId)) : Refused();
}
