using System.Text.Json;
using System.Text.Json.Nodes;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Which Meta account a token may route, in Graph's own words:
/// <list type="bullet">
/// <item>Messenger: <c>GET {graph}/me</c> with the page token is the page.</item>
/// <item>Instagram: <c>GET {graph}/me?fields=instagram_business_account,user_id</c>: the account linked to a page token's
/// page, or, for an Instagram-login token, its own professional account (<c>user_id</c>).</item>
/// <item>WhatsApp: <c>GET {graph}/{waba_id}/phone_numbers</c>, the numbers the token may use; the chosen one must be listed.</item>
/// </list>
/// After consent, what the owner's login may connect: Messenger the owner's pages (<c>/me/accounts</c>), Instagram the
/// professional accounts linked to them, WhatsApp the numbers of the business accounts the owner's businesses own.
/// </summary>
public sealed class MetaAccounts(AccountLookup lookup, MetaGraph graph) : IAccountOwnership, IAccountChoice
{
    /// <summary>Pages (and their Instagram accounts) are read in pages of 100; an owner with more than 500 is cut there.</summary>
    private const int GraphPageSize = 100;
    private const int MaxGraphPages = 5;
    private const int MaxNameLength = 200;

    public IReadOnlyCollection<string> TypeSlugs => MetaModule.TypeSlugs;

    public string ConsentCredential => MetaModule.UserTokenCredential;

    public string LoginName => "Facebook";

    public async Task<string> ResolveAsync(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, JsonObject settings,
        CancellationToken cancellationToken)
    {
        var token = AccountClaims.Token(requirement, credentials);
        if (requirement.TypeSlug == MetaModule.WhatsApp)
        {
            var claimed = AccountClaims.Claimed(requirement, settings);
            var numbers = await WhatsAppNumbersAsync(token, settings, cancellationToken).ConfigureAwait(false);
            if (claimed is null && numbers.Count == 1) return numbers[0];
            if (claimed is not null && numbers.Contains(claimed)) return claimed;
            throw ProblemException.Validation("settings." + requirement.RoutingSetting, claimed is null
                ? $"Choose the phone number to connect: this WhatsApp Business account has {numbers.Count}."
                : "This phone number id is not one of the numbers your access token may use.");
        }
        var owned = requirement.TypeSlug == MetaModule.Messenger
            ? AccountLookup.Text(await lookup.GetAsync(graph.Url("/me?fields=id,name"), token, cancellationToken).ConfigureAwait(false), "id")
            : InstagramAccount(await lookup.GetAsync(graph.Url("/me?fields=instagram_business_account,user_id"), token, cancellationToken).ConfigureAwait(false));
        return AccountClaims.Confirm(requirement, settings, owned);
    }

    public async Task<IReadOnlyList<AccountOption>> OptionsAsync(string typeSlug, string consentToken, CancellationToken cancellationToken)
    {
        if (typeSlug == MetaModule.WhatsApp)
        {
            var businesses = await lookup.GetAsync(graph.Url("/me/businesses?fields=id,name,owned_whatsapp_business_accounts%7Bid,name," +
                "phone_numbers%7Bid,display_phone_number,verified_name%7D%7D&limit=" + GraphPageSize), consentToken, cancellationToken).ConfigureAwait(false);
            return WhatsAppNumbers(businesses, consentToken).Take(GraphPageSize * MaxGraphPages).ToList();
        }
        var options = new List<AccountOption>();
        string? after = null;
        for (var page = 0; page < MaxGraphPages; page++)
        {
            var query = "/me/accounts?fields=id,name,access_token,instagram_business_account%7Bid,username%7D&limit=" + GraphPageSize
                        + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            var answer = await lookup.GetAsync(graph.Url(query), consentToken, cancellationToken).ConfigureAwait(false);
            options.AddRange(Data(answer).Select(p => PageOption(typeSlug, p)).OfType<AccountOption>());
            // Graph's paging.next repeats the token in its URL; only the cursor is used.
            after = answer.TryGetProperty("paging", out var paging) && paging.TryGetProperty("next", out _)
                    && paging.TryGetProperty("cursors", out var cursors) && cursors.TryGetProperty("after", out var a) ? a.GetString() : null;
            if (after is null) break;
        }
        return options;
    }

    private async Task<IReadOnlyList<string>> WhatsAppNumbersAsync(string token, JsonObject settings, CancellationToken cancellationToken)
    {
        var waba = settings["waba_id"] is JsonValue w && w.GetValueKind() == JsonValueKind.String ? w.GetValue<string>() : null;
        if (waba is not { Length: > 0 and <= 32 } || !waba.All(char.IsAsciiDigit))
        {
            throw ProblemException.Validation("settings.waba_id", "Give your WhatsApp Business Account id (digits) so its phone numbers can be listed.");
        }
        var answer = await lookup.GetAsync(graph.Url($"/{waba}/phone_numbers?fields=id,display_phone_number"), token, cancellationToken).ConfigureAwait(false);
        return answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Select(n => n.TryGetProperty("id", out var id) ? id.GetString() : null).OfType<string>().ToList()
            : throw new ProviderAccountException("Meta answered without a list of phone numbers.", answered: true);
    }

    private static string InstagramAccount(JsonElement me) =>
        me.TryGetProperty("instagram_business_account", out var linked) && linked.ValueKind == JsonValueKind.Object
            ? AccountLookup.Text(me, "instagram_business_account", "id")
            : AccountLookup.Text(me, "user_id");

    /// <summary>A page as Messenger sees it, or its linked Instagram account; null when it does not fit the type or lacks its token.</summary>
    private static AccountOption? PageOption(string typeSlug, JsonElement page)
    {
        if (Id(page) is not { } pageId || String(page, "access_token") is not { } pageToken) return null;
        if (typeSlug == MetaModule.Messenger) return new(new(pageId, Name(page, "name") ?? pageId), pageToken, NoSettings);
        return page.TryGetProperty("instagram_business_account", out var instagram) && Id(instagram) is { } instagramId
            ? new(new(instagramId, Name(instagram, "username") ?? Name(page, "name") ?? instagramId), pageToken, NoSettings)
            : null;
    }

    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    /// <summary>WhatsApp acts with the owner's token; the number's business account goes with it (subscriptions are per business account).</summary>
    private static IEnumerable<AccountOption> WhatsAppNumbers(JsonElement businesses, string userToken) =>
        from business in Data(businesses)
        where business.TryGetProperty("owned_whatsapp_business_accounts", out _)
        from waba in Data(business.GetProperty("owned_whatsapp_business_accounts"))
        let wabaId = Id(waba)
        where wabaId is not null && waba.TryGetProperty("phone_numbers", out _)
        from number in Data(waba.GetProperty("phone_numbers"))
        let numberId = Id(number)
        where numberId is not null
        let display = Name(number, "display_phone_number") ?? numberId
        select new AccountOption(new(numberId, Name(number, "verified_name") is { } verified ? $"{display} ({verified})" : display), userToken,
            new Dictionary<string, string> { ["waba_id"] = wabaId });

    private static IEnumerable<JsonElement> Data(JsonElement list) =>
        list.ValueKind == JsonValueKind.Object && list.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray()
            : [];

    /// <summary>Graph ids are digits; anything else is not an account we could route.</summary>
    private static string? Id(JsonElement item) =>
        String(item, "id") is { Length: <= 32 } id && id.All(char.IsAsciiDigit) ? id : null;

    private static string? Name(JsonElement item, string property) =>
        String(item, property) is { } name ? name[..Math.Min(name.Length, MaxNameLength)] : null;

    private static string? String(JsonElement item, string property) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text ? text : null;
}
