using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Spheres.Tests.Infrastructure;

/// <summary>A Facebook page an owner manages, with the Instagram professional account linked to it, if any.</summary>
public sealed record FakePage(string Id, string Name, string? InstagramId = null, string? InstagramUsername = null);

/// <summary>A WhatsApp Business account owned by one of the owner's businesses, with its phone number ids.</summary>
public sealed record FakeWhatsAppAccount(string Id, params string[] PhoneNumberIds);

/// <summary>
/// What Meta's login leaves: a user token that lists the owner's pages (each with its own page token) and
/// WhatsApp numbers, and <c>subscribed_apps</c>, which records what our app was subscribed to and with which token.
/// </summary>
public sealed partial class FakeProviderAccounts
{
    public sealed record MetaUser(FakePage[] Pages, FakeWhatsAppAccount[] WhatsAppAccounts)
    {
        public IEnumerable<string> Numbers(string waba) => WhatsAppAccounts.Where(w => w.Id == waba).SelectMany(w => w.PhoneNumberIds);
    }

    private readonly ConcurrentDictionary<string, MetaUser> _users = new();
    private readonly ConcurrentDictionary<string, FakePage> _pageTokens = new();
    private readonly ConcurrentDictionary<string, string> _tokenOfPage = new();

    /// <summary>Every <c>subscribed_apps</c> call: <c>page:{id}</c>, <c>instagram:{id}</c> or <c>waba:{id}</c>; <c>removed:{id}</c> for a DELETE.</summary>
    public ConcurrentQueue<string> Subscriptions { get; } = new();

    /// <summary>A long-lived user token (watched by SecretSentinel) of an owner who manages these pages and WhatsApp accounts.</summary>
    public string MetaUserToken(FakePage[] pages, params FakeWhatsAppAccount[] whatsApp)
    {
        var token = SecretSentinel.NewSecret("meta-user");
        _users[token] = new MetaUser(pages, whatsApp);
        foreach (var page in pages)
        {
            var pageToken = _tokenOfPage.GetOrAdd(page.Id, _ => SecretSentinel.NewSecret("page"));
            _pageTokens[pageToken] = page;
        }
        return token;
    }

    /// <summary>The token Graph gives for <paramref name="pageId"/> in <c>/me/accounts</c>.</summary>
    public string PageToken(string pageId) => _tokenOfPage[pageId];

    private readonly ConcurrentDictionary<string, bool> _subscriptionRefused = new();

    /// <summary>Graph answers 403 to subscribing our app to this page or WhatsApp account (an owner without the right role).</summary>
    public void RefuseSubscription(string accountId) => _subscriptionRefused[accountId] = true;

    /// <summary>Refuses a user token from now on, as Graph does when the login expired or was revoked.</summary>
    public void Revoke(string userToken) => _users.TryRemove(userToken, out _);

    private void MapMetaLogins(WebApplication app, string prefix)
    {
        app.MapGet(prefix + "/me/accounts", (HttpRequest r) => UserOf(r) is { } user
            ? Results.Json(new
            {
                data = user.Pages.Select(p => new
                {
                    id = p.Id, name = p.Name, access_token = _tokenOfPage[p.Id],
                    instagram_business_account = p.InstagramId is null ? null : new { id = p.InstagramId, username = p.InstagramUsername },
                }),
            })
            : Refused());
        app.MapGet(prefix + "/me/businesses", (HttpRequest r) => UserOf(r) is { } user
            ? Results.Json(new
            {
                data = new[]
                {
                    new
                    {
                        id = "900000000001", name = "Salon LLC",
                        owned_whatsapp_business_accounts = new
                        {
                            data = user.WhatsAppAccounts.Select(w => new
                            {
                                id = w.Id, name = "Salon WhatsApp",
                                phone_numbers = new { data = w.PhoneNumberIds.Select(n => new { id = n, display_phone_number = "+48 22 000 " + n[^4..], verified_name = "Salon" }) },
                            }),
                        },
                    },
                },
            })
            : Refused());
        app.MapPost(prefix + "/me/subscribed_apps", (HttpRequest r) =>
        {
            var subscribed = PageOf(r) is { } page ? "page:" + page.Id
                : Owner(r) is { } owner && owner.Kind is "facebook-messenger" ? "page:" + owner.AccountId
                : Owner(r) is { } instagram && instagram.Kind is "instagram" or InstagramLogin ? "instagram:" + instagram.AccountId
                : null;
            if (subscribed is null) return Refused();
            if (_subscriptionRefused.ContainsKey(subscribed[(subscribed.IndexOf(':') + 1)..])) return Forbidden();
            Subscriptions.Enqueue(subscribed);
            return Results.Json(new { success = true });
        });
        // "me" is the page a page token acts for; otherwise the page or WhatsApp account named, with a token Graph knows.
        app.MapDelete(prefix + "/{account}/subscribed_apps", (HttpRequest r, string account) =>
        {
            var known = PageOf(r)?.Id ?? Owner(r)?.AccountId ?? (UserOf(r) is null ? null : account);
            if (known is null) return Refused();
            Subscriptions.Enqueue("removed:" + (account == "me" ? known : account));
            return Results.Json(new { success = true });
        });
        app.MapPost(prefix + "/{waba}/subscribed_apps", (HttpRequest r, string waba) =>
        {
            if (UserOf(r) is not { } user ? Owner(r) is not { Kind: "whatsapp" } : !user.WhatsAppAccounts.Any(w => w.Id == waba)) return Refused();
            if (_subscriptionRefused.ContainsKey(waba)) return Forbidden();
            Subscriptions.Enqueue("waba:" + waba);
            return Results.Json(new { success = true });
        });
    }

    private static object PageMe(FakePage page) => page.InstagramId is null
        ? new { id = page.Id, name = page.Name }
        : new { id = page.Id, name = page.Name, instagram_business_account = new { id = page.InstagramId } };

    private static string? BearerOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;

    private MetaUser? UserOf(HttpRequest request) => BearerOf(request) is { } token && _users.TryGetValue(token, out var user) ? user : null;

    private FakePage? PageOf(HttpRequest request) => BearerOf(request) is { } token && _pageTokens.TryGetValue(token, out var page) ? page : null;

    private static IResult Forbidden() =>
        Results.Json(new { error = new { message = "(#200) Requires pages_manage_metadata permission.", type = "OAuthException", code = 200 } }, statusCode: 403);

    private static IResult Refused() =>
        Results.Json(new { error = new { message = "Invalid OAuth access token.", type = "OAuthException", code = 190 } }, statusCode: 401);
}
