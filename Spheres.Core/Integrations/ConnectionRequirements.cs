using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>How an integration type's webhooks reach us and what identifies the account in them.</summary>
public enum WebhookProvider { None, Telegram, Meta, Calendly, Zoom, Square, GoogleCalendar, Gmail, SimplyBook, ZnanyLekarz, Zocdoc }

/// <summary>What one integration type needs to connect (CATALOG.md, "What each type needs to connect").</summary>
public sealed record ConnectionRequirement(
    string TypeSlug,
    IReadOnlyList<string> RequiredCredentials,
    IReadOnlyList<string> OptionalCredentials,
    WebhookProvider Webhooks,
    string? RoutingSetting = null)
{
    public IEnumerable<string> AllCredentials => RequiredCredentials.Concat(OptionalCredentials);
}

public static partial class ConnectionRequirements
{
    public const int MaxSettingsBytes = 16 * 1024;
    public const int MaxCredentialLength = 4096;

    private static readonly string[] OAuthOptional = ["refresh_token", "expires_at"];

    private static readonly Dictionary<string, ConnectionRequirement> BySlug = new ConnectionRequirement[]
    {
        new("telegram", ["bot_token"], [], WebhookProvider.Telegram),
        new("whatsapp", ["access_token"], [], WebhookProvider.Meta, RoutingSetting: "phone_number_id"),
        new("instagram", ["access_token"], [], WebhookProvider.Meta, RoutingSetting: "instagram_account_id"),
        new("facebook-messenger", ["page_access_token"], [], WebhookProvider.Meta, RoutingSetting: "page_id"),
        new("google-calendar", ["access_token"], OAuthOptional, WebhookProvider.GoogleCalendar),
        new("google-meet", ["access_token"], OAuthOptional, WebhookProvider.None),
        new("google-sheets", ["access_token"], OAuthOptional, WebhookProvider.None),
        new("gmail", ["access_token"], OAuthOptional, WebhookProvider.Gmail),
        new("calendly", ["access_token"], OAuthOptional, WebhookProvider.Calendly, RoutingSetting: "user_uri"),
        new("zoom", ["access_token"], OAuthOptional, WebhookProvider.Zoom, RoutingSetting: "account_id"),
        new("square-appointments", ["access_token"], OAuthOptional, WebhookProvider.Square, RoutingSetting: "merchant_id"),
        new("zocdoc", ["access_token"], OAuthOptional, WebhookProvider.Zocdoc),
        new("simplybook", ["company_login", "api_key"], [], WebhookProvider.SimplyBook),
        new("znany-lekarz", ["client_id", "client_secret"], [], WebhookProvider.ZnanyLekarz),
        new("booksy", ["api_key"], [], WebhookProvider.None),
        new("dikidi", ["api_key"], [], WebhookProvider.None),
        new("easyweek", ["api_key"], [], WebhookProvider.None),
        new("treatwell", ["api_key"], [], WebhookProvider.None),
        new("planity", ["api_key"], [], WebhookProvider.None),
        new("reservio", ["api_key"], [], WebhookProvider.None),
        new("salonized", ["api_key"], [], WebhookProvider.None),
        new("fresha", ["api_key"], [], WebhookProvider.None),
        new("doctolib", ["api_key"], [], WebhookProvider.None),
        new("jameda", ["api_key"], [], WebhookProvider.None),
        new("doc-ua", ["api_key"], [], WebhookProvider.None),
        new("helsi", ["api_key"], [], WebhookProvider.None),
        new("patient-access", ["api_key"], [], WebhookProvider.None),
        new("practo", ["api_key"], [], WebhookProvider.None),
    }.ToDictionary(r => r.TypeSlug, StringComparer.Ordinal);

    /// <summary>The requirement of a type; a type the catalog gains without one here needs only an api_key.</summary>
    public static ConnectionRequirement For(string typeSlug) =>
        BySlug.TryGetValue(typeSlug, out var requirement) ? requirement : new ConnectionRequirement(typeSlug, ["api_key"], [], WebhookProvider.None);

    /// <summary>
    /// Checks credential fields: only this type's names, non-empty strings, the Telegram token's
    /// shape. Errors name the field and never repeat its value.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ValidateCredentials(ConnectionRequirement requirement, JsonObject credentials, FieldErrors errors)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in credentials)
        {
            var field = "credentials." + name;
            if (!requirement.AllCredentials.Contains(name))
            {
                errors.Add(field, $"Not a credential of {requirement.TypeSlug}. Expected: {string.Join(", ", requirement.AllCredentials)}.");
                continue;
            }
            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Trim() is not { Length: > 0 } text)
            {
                errors.Add(field, "Give a non-empty string.");
                continue;
            }
            if (text.Length > MaxCredentialLength)
            {
                errors.Add(field, $"At most {MaxCredentialLength} characters.");
                continue;
            }
            if (name == "bot_token" && !TelegramBotToken().IsMatch(text))
            {
                errors.Add(field, "This is not a Telegram bot token: it looks like <digits>:<35 or more letters, digits, '_' or '-'>, as @BotFather gives it.");
                continue;
            }
            values[name] = text;
        }
        return values;
    }

    /// <summary>The required credentials that <paramref name="values"/> lacks.</summary>
    public static IReadOnlyList<string> MissingCredentials(ConnectionRequirement requirement, IReadOnlyDictionary<string, string>? values) =>
        requirement.RequiredCredentials.Where(name => values is null || !values.ContainsKey(name)).ToList();

    /// <summary>Settings are a JSON object of at most 16 KB; known text settings must be strings.</summary>
    public static string ValidateSettings(ConnectionRequirement requirement, JsonObject settings, FieldErrors errors)
    {
        var json = settings.ToJsonString();
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxSettingsBytes)
        {
            errors.Add("settings", $"Settings may take at most {MaxSettingsBytes / 1024} KB.");
            return json;
        }
        foreach (var name in TextSettings(requirement))
        {
            if (settings.TryGetPropertyValue(name, out var node) && node is not null
                && (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
            {
                errors.Add("settings." + name, "Give a string.");
            }
        }
        return json;
    }

    private static IEnumerable<string> TextSettings(ConnectionRequirement requirement)
    {
        if (requirement.RoutingSetting is { } routing) yield return routing;
        if (requirement.Webhooks == WebhookProvider.Telegram) yield return "greeting";
        if (requirement.Webhooks is WebhookProvider.Telegram or WebhookProvider.Meta) yield return "out_of_hours_message";
        if (requirement.TypeSlug == "whatsapp") yield return "waba_id";
    }

    [GeneratedRegex(@"^\d{1,20}:[A-Za-z0-9_-]{35,}$")]
    private static partial Regex TelegramBotToken();
}
