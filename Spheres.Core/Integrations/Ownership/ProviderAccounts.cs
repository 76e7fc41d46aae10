using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations.Ownership;

/// <summary>The provider refused the credentials (<see cref="Answered"/>), or could not be reached. Never carries a token.</summary>
public sealed class ProviderAccountException(string message, bool answered) : Exception(message)
{
    public bool Answered { get; } = answered;
}

/// <summary>
/// Which provider account a tenant's credentials belong to, in the provider's own words: the one
/// account id that may route customers' messages and events to this tenant. What the tenant typed
/// in settings is only a choice among what the provider lists, never taken on its word; otherwise
/// anyone could type another business's public page id and read its customers.
/// <list type="bullet">
/// <item>Messenger: <c>GET {graph}/me</c> with the page token is the page.</item>
/// <item>Instagram: <c>GET {graph}/me?fields=instagram_business_account,user_id</c>: the account linked to a page token's
/// page, or, for an Instagram-login token, its own professional account (<c>user_id</c>).</item>
/// <item>WhatsApp: <c>GET {graph}/{waba_id}/phone_numbers</c>, the numbers the token may use; the chosen one must be listed.</item>
/// <item>Zoom <c>GET /users/me</c> (account_id), Calendly <c>GET /users/me</c> (resource.uri), Square <c>GET /v2/merchants/me</c>.</item>
/// </list>
/// Tokens travel in the Authorization header only, never in a URL, and no request is logged.
/// </summary>
public sealed partial class ProviderAccounts(HttpClient http, IConfiguration configuration)
{
    /// <summary>
    /// The account id the provider says <paramref name="credentials"/> belong to. When the tenant named one in
    /// <paramref name="settings"/> it must be that account (or, for WhatsApp, one of the listed numbers): 400 otherwise.
    /// </summary>
    public async Task<string> ResolveAsync(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, JsonObject settings,
        CancellationToken cancellationToken)
    {
        var routing = requirement.RoutingSetting ?? throw new ArgumentException($"{requirement.TypeSlug} is not routed by an account id.");
        var claimed = settings[routing] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        var token = credentials.GetValueOrDefault(requirement.RequiredCredentials[0])
                    ?? throw new ArgumentException("The credentials are missing their token.");

        if (requirement.TypeSlug == "whatsapp")
        {
            var numbers = await WhatsAppNumbersAsync(token, settings, cancellationToken).ConfigureAwait(false);
            if (claimed is null && numbers.Count == 1) return numbers[0];
            if (claimed is not null && numbers.Contains(claimed)) return claimed;
            throw ProblemException.Validation("settings." + routing, claimed is null
                ? $"Choose the phone number to connect: this WhatsApp Business account has {numbers.Count}."
                : "This phone number id is not one of the numbers your access token may use.");
        }
        var owned = requirement.TypeSlug switch
        {
            "facebook-messenger" => Text(await GetAsync(GraphUrl("/me?fields=id,name"), token, cancellationToken).ConfigureAwait(false), "id"),
            "instagram" => InstagramAccount(await GetAsync(GraphUrl("/me?fields=instagram_business_account,user_id"), token, cancellationToken)
                .ConfigureAwait(false)),
            "zoom" => Text(await GetAsync(Url(SettingNames.ZoomApiBaseUrl, "/users/me"), token, cancellationToken).ConfigureAwait(false),
                "account_id"),
            "calendly" => (await CalendlyUserAsync(token, cancellationToken).ConfigureAwait(false)).UserUri,
            "square-appointments" => Text(await GetAsync(Url(SettingNames.SquareApiBaseUrl, "/v2/merchants/me"), token,
                cancellationToken).ConfigureAwait(false), "merchant", "id"),
            _ => throw new ArgumentException($"No ownership check for {requirement.TypeSlug}."),
        };
        if (claimed is not null && claimed != owned)
        {
            throw ProblemException.Validation("settings." + routing,
                $"Your token belongs to another account ({owned}), not {claimed}. Leave {routing} empty to connect the token's own account.");
        }
        return owned;
    }

    /// <summary>Calendly's <c>GET /users/me</c>: the user's URI (the routing id) and its current organization's (for webhook subscriptions).</summary>
    public async Task<(string UserUri, string? OrganizationUri)> CalendlyUserAsync(string token, CancellationToken cancellationToken)
    {
        var me = await GetAsync(Url(SettingNames.CalendlyApiBaseUrl, "/users/me"), token, cancellationToken).ConfigureAwait(false);
        var organization = me.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object
            && resource.TryGetProperty("current_organization", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null;
        return (Text(me, "resource", "uri"), organization);
    }

    private async Task<IReadOnlyList<string>> WhatsAppNumbersAsync(string token, JsonObject settings, CancellationToken cancellationToken)
    {
        var waba = settings["waba_id"] is JsonValue w && w.GetValueKind() == JsonValueKind.String ? w.GetValue<string>() : null;
        if (waba is not { Length: > 0 and <= 32 } || !waba.All(char.IsAsciiDigit))
        {
            throw ProblemException.Validation("settings.waba_id", "Give your WhatsApp Business Account id (digits) so its phone numbers can be listed.");
        }
        var answer = await GetAsync(GraphUrl($"/{waba}/phone_numbers?fields=id,display_phone_number"), token, cancellationToken).ConfigureAwait(false);
        return answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Select(n => n.TryGetProperty("id", out var id) ? id.GetString() : null).OfType<string>().ToList()
            : throw new ProviderAccountException("Meta answered without a list of phone numbers.", answered: true);
    }

    private string GraphUrl(string path) => Url(SettingNames.MetaGraphApiBaseUrl, path);

    private string Url(string setting, string path) => configuration.BaseUrl(setting) + path;

    private Task<JsonElement> GetAsync(string url, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, url, token, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string url, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("Square-Version", "2025-01-23");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ProviderAccountException($"The provider did not answer ({(e is OperationCanceledException ? "timed out" : "unreachable")}).", answered: false);
        }
        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new ProviderAccountException($"The provider answered HTTP {(int)response.StatusCode}.", answered: false);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new ProviderAccountException($"The provider refused the token (HTTP {(int)response.StatusCode}).", answered: true);
            }
            try
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new ProviderAccountException("The provider's answer was not JSON.", answered: true);
            }
        }
    }

    private static string InstagramAccount(JsonElement me) =>
        me.TryGetProperty("instagram_business_account", out var linked) && linked.ValueKind == JsonValueKind.Object
            ? Text(me, "instagram_business_account", "id")
            : Text(me, "user_id");

    /// <summary>A non-empty string at <paramref name="path"/>, or a refusal saying the provider did not name the account.</summary>
    private static string Text(JsonElement root, params string[] path)
    {
        var node = root;
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
                throw new ProviderAccountException($"The provider did not name the account ({string.Join('.', path)} missing).", answered: true);
        }
        return node.ValueKind == JsonValueKind.String && node.GetString() is { Length: > 0 } text ? text
            : throw new ProviderAccountException($"The provider did not name the account ({string.Join('.', path)} empty).", answered: true);
    }
}
