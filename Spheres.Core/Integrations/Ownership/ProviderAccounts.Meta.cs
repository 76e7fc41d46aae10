using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spheres.Core.Integrations.Ownership;

/// <summary>An account the owner may connect, as the provider listed it (never carries a token).</summary>
public sealed record ProviderAccountChoice(string AccountId, string Name);

/// <summary>
/// A choice with what connecting it takes: the token that acts for it (a page's own token for Messenger and
/// Instagram, the owner's token for WhatsApp) and, for WhatsApp, the business account that holds the number.
/// </summary>
internal sealed record MetaAccountOption(ProviderAccountChoice Choice, string Token, string? WabaId);

public sealed partial class ProviderAccounts
{
    /// <summary>Pages (and their Instagram accounts) are read in pages of 100; an owner with more than 500 is cut there.</summary>
    private const int GraphPageSize = 100;
    private const int MaxGraphPages = 5;
    private const int MaxNameLength = 200;

    /// <summary>
    /// What a Meta user token may connect for <paramref name="typeSlug"/>, in Graph's own words:
    /// Messenger the owner's pages (<c>/me/accounts</c>), Instagram the professional accounts linked to them,
    /// WhatsApp the numbers of the business accounts the owner's businesses own (<c>/me/businesses</c>).
    /// </summary>
    internal async Task<IReadOnlyList<MetaAccountOption>> MetaOptionsAsync(string typeSlug, string userToken, CancellationToken cancellationToken)
    {
        if (typeSlug == "whatsapp")
        {
            var businesses = await GetAsync(GraphUrl("/me/businesses?fields=id,name,owned_whatsapp_business_accounts%7Bid,name," +
                "phone_numbers%7Bid,display_phone_number,verified_name%7D%7D&limit=" + GraphPageSize), userToken, cancellationToken).ConfigureAwait(false);
            return WhatsAppNumbers(businesses, userToken).Take(GraphPageSize * MaxGraphPages).ToList();
        }
        var options = new List<MetaAccountOption>();
        string? after = null;
        for (var page = 0; page < MaxGraphPages; page++)
        {
            var query = "/me/accounts?fields=id,name,access_token,instagram_business_account%7Bid,username%7D&limit=" + GraphPageSize
                        + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            var answer = await GetAsync(GraphUrl(query), userToken, cancellationToken).ConfigureAwait(false);
            options.AddRange(Data(answer).Select(p => PageOption(typeSlug, p)).OfType<MetaAccountOption>());
            // Graph's paging.next repeats the token in its URL; only the cursor is used.
            after = answer.TryGetProperty("paging", out var paging) && paging.TryGetProperty("next", out _)
                    && paging.TryGetProperty("cursors", out var cursors) && cursors.TryGetProperty("after", out var a) ? a.GetString() : null;
            if (after is null) break;
        }
        return options;
    }

    /// <summary>
    /// Meta delivers messages only to apps subscribed to the account: the page (its token's <c>/me</c>; for Instagram
    /// the page linked to it, or the Instagram-login account itself) or the WhatsApp business account.
    /// Repeating it is harmless. Called once the row names the account, so a crash leaves nothing unremembered.
    /// </summary>
    public async Task SubscribeAppAsync(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, JsonObject settings,
        CancellationToken cancellationToken)
    {
        var token = credentials.GetValueOrDefault(requirement.RequiredCredentials[0])
                    ?? throw new ArgumentException("The credentials are missing their token.");
        var path = requirement.TypeSlug switch
        {
            "whatsapp" => $"/{Uri.EscapeDataString(settings["waba_id"]?.GetValue<string>() ?? "")}/subscribed_apps",
            "facebook-messenger" => "/me/subscribed_apps?subscribed_fields=messages,messaging_postbacks",
            "instagram" => "/me/subscribed_apps?subscribed_fields=messages",
            _ => throw new ArgumentException($"{requirement.TypeSlug} is not a Meta channel."),
        };
        var answer = await SendAsync(HttpMethod.Post, GraphUrl(path), token, cancellationToken).ConfigureAwait(false);
        if (!answer.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True)
        {
            throw new ProviderAccountException("Meta did not confirm the app subscription.", answered: true);
        }
    }

    /// <summary>A page as Messenger sees it, or its linked Instagram account; null when it does not fit the type or lacks its token.</summary>
    private static MetaAccountOption? PageOption(string typeSlug, JsonElement page)
    {
        if (Id(page) is not { } pageId || String(page, "access_token") is not { } pageToken) return null;
        if (typeSlug == "facebook-messenger") return new(new(pageId, Name(page, "name") ?? pageId), pageToken, null);
        return page.TryGetProperty("instagram_business_account", out var instagram) && Id(instagram) is { } instagramId
            ? new(new(instagramId, Name(instagram, "username") ?? Name(page, "name") ?? instagramId), pageToken, null)
            : null;
    }

    private static IEnumerable<MetaAccountOption> WhatsAppNumbers(JsonElement businesses, string userToken) =>
        from business in Data(businesses)
        where business.TryGetProperty("owned_whatsapp_business_accounts", out _)
        from waba in Data(business.GetProperty("owned_whatsapp_business_accounts"))
        let wabaId = Id(waba)
        where wabaId is not null && waba.TryGetProperty("phone_numbers", out _)
        from number in Data(waba.GetProperty("phone_numbers"))
        let numberId = Id(number)
        where numberId is not null
        let display = Name(number, "display_phone_number") ?? numberId
        select new MetaAccountOption(
            new(numberId, Name(number, "verified_name") is { } verified ? $"{display} ({verified})" : display), userToken, wabaId);

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
