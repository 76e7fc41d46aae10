using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// The providers' "who am I" endpoints on a loopback port, answering for the tokens a test gave out:
/// Graph <c>/me</c> (a page, or its Instagram account) and <c>/{waba}/phone_numbers</c>, Zoom and Calendly
/// <c>/users/me</c>, Square <c>/v2/merchants/me</c>, Google <c>/oauth2/v3/userinfo</c>. Any other token is refused with 401,
/// as a provider would. It also takes the push set-ups a consent makes (Calendar <c>events.watch</c>, Gmail <c>users.watch</c>,
/// Calendly <c>webhook_subscriptions</c>) and records them with the token that made them (<see cref="PushCalls"/>).
/// One per test run; every TestHost points its provider base URLs here.
/// </summary>
public sealed partial class FakeProviderAccounts
{
    private static readonly Lazy<Task<FakeProviderAccounts>> Instance = new(StartAsync);
    private readonly ConcurrentDictionary<string, (string Kind, string AccountId)> _owners = new();
    private readonly ConcurrentQueue<PushCall> _pushCalls = new();

    /// <summary>A push set-up as received: which endpoint, with whose token, and the JSON body.</summary>
    public sealed record PushCall(string Path, string Token, System.Text.Json.JsonElement Body);

    /// <summary>The push calls made with <paramref name="token"/> (tokens are unique per test, so tests never see each other's).</summary>
    public IReadOnlyList<PushCall> PushCalls(string token) => _pushCalls.Where(c => c.Token == token).ToList();

    private readonly ConcurrentDictionary<string, byte> _pushRefused = new();
    private readonly ConcurrentDictionary<string, byte> _unverifiedEmails = new();

    /// <summary>Google's userinfo will say <c>email_verified: false</c> for this address.</summary>
    public void MarkEmailUnverified(string email) => _unverifiedEmails[email] = 0;

    /// <summary>The provider will refuse push set-ups for this account (403), as for a calendar the user may not watch.</summary>
    public void RefusePushFor(string accountId) => _pushRefused[accountId] = 0;

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
        [Spheres.Core.Configuration.SettingNames.GoogleApiBaseUrl] = BaseUrl + "/google",
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
        app.MapGet("/google/oauth2/v3/userinfo", (HttpRequest r) => fake.Answer(r, ["google"],
            id => new { sub = "1077", email = id, email_verified = !fake._unverifiedEmails.ContainsKey(id) }));
        var inAWeek = () => DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.MapPost("/google/calendar/v3/calendars/{calendarId}/events/watch", (HttpRequest r) => fake.RecordPushAsync(r, "google", body =>
            new { kind = "api#channel", id = body.GetProperty("id").GetString(), resourceId = "resource-" + Guid.NewGuid().ToString("N"), expiration = inAWeek() }));
        app.MapPost("/google/gmail/v1/users/me/watch", (HttpRequest r) => fake.RecordPushAsync(r, "google", _ => new { historyId = "9876543", expiration = inAWeek() }));
        app.MapPost("/google/calendar/v3/channels/stop", (HttpRequest r) => fake.RecordPushAsync(r, "google", _ => new { }));
        app.MapDelete("/calendly/webhook_subscriptions/{id}", (HttpRequest r) => fake.RecordPushAsync(r, "calendly", _ => new { }));
        app.MapPost("/calendly/webhook_subscriptions", (HttpRequest r) => fake.RecordPushAsync(r, "calendly", _ =>
            new { resource = new { uri = fake.BaseUrl + "/calendly/webhook_subscriptions/" + Guid.NewGuid().ToString("N"), state = "active" } }));
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

    /// <summary>Records a push set-up made with a token of <paramref name="kind"/> and answers as the provider does; 401 for any other token.</summary>
    private async Task<IResult> RecordPushAsync(HttpRequest request, string kind, Func<System.Text.Json.JsonElement, object> answer)
    {
        if (Owner(request) is not { } owner || owner.Kind != kind) return Answer(request, [kind], _ => new { });
        if (_pushRefused.ContainsKey(owner.AccountId)) return Results.Json(new { error = new { code = 403, message = "Forbidden" } }, statusCode: 403);
        using var body = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? await System.Text.Json.JsonDocument.ParseAsync(request.Body)
            : System.Text.Json.JsonDocument.Parse("{}");
        _pushCalls.Enqueue(new PushCall(request.Path.Value!, request.Headers.Authorization.ToString()["Bearer ".Length..], body.RootElement.Clone()));
        return Results.Json(answer(body.RootElement), statusCode: kind == "calendly" && request.Method == "POST" ? 201 : 200);
    }

    private (string Kind, string AccountId)? Owner(HttpRequest request) =>
        BearerOf(request) is { } token && _owners.TryGetValue(token, out var owner) ? owner : null;

    private IResult Answer(HttpRequest request, string[] kinds, Func<string, object> shape) =>
        Owner(request) is { } owner && kinds.Contains(owner.Kind) ? Results.Json(shape(owner.AccountId)) : Refused();
}
