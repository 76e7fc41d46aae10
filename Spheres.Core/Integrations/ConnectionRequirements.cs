using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>How an integration type's webhooks reach us and what identifies the account in them.</summary>
public enum WebhookProvider { None, Telegram, Meta, Calendly, Zoom, Square, GoogleCalendar, Gmail, SimplyBook, ZnanyLekarz, Zocdoc }

/// <summary>How a type's connect form is filled: by OAuth consent, a bot token, one API key, or several credentials.</summary>
public enum ConnectMethod { OAuth, BotToken, ApiKey, Credentials }

/// <summary>The kind of input a setting takes: one line, a multi-line message, or a provider's id.</summary>
public enum SettingKind { String, Text, Id }

/// <summary>A setting a tenant may give (settings are not secret).</summary>
public sealed record SettingField(string Name, string Label, SettingKind Kind, bool Required = false);

/// <summary>A credential field of a connect form: its label, whether to mask it, and the pattern it must match.</summary>
public sealed record CredentialField(string Name, string Label, bool Secret, bool Required, string? Pattern);

/// <summary>What one integration type needs to connect (CATALOG.md, "What each type needs to connect").</summary>
public sealed record ConnectionRequirement(
    string TypeSlug,
    IReadOnlyList<string> RequiredCredentials,
    IReadOnlyList<string> OptionalCredentials,
    WebhookProvider Webhooks,
    IReadOnlyList<SettingField> Settings,
    string? RoutingSetting = null)
{
    public IEnumerable<string> AllCredentials => RequiredCredentials.Concat(OptionalCredentials);

    public ConnectMethod Method =>
        OptionalCredentials.Contains("refresh_token") || Webhooks == WebhookProvider.Meta ? ConnectMethod.OAuth
        : RequiredCredentials is ["bot_token"] ? ConnectMethod.BotToken
        : RequiredCredentials is ["api_key"] ? ConnectMethod.ApiKey
        : ConnectMethod.Credentials;

    /// <summary>The connect form's credential fields, in the order a form shows them.</summary>
    public IEnumerable<CredentialField> CredentialFields =>
        AllCredentials.Select(name => ConnectionRequirements.Field(name, RequiredCredentials.Contains(name)));
}

public static partial class ConnectionRequirements
{
    public const int MaxSettingsBytes = 16 * 1024;
    public const int MaxCredentialLength = 4096;

    /// <summary>An OAuth token's <c>expires_at</c>: ISO 8601 date and time with its offset (forms check it with the same pattern).</summary>
    public const string ExpiresAtPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$";

    /// <summary>What a Telegram bot token looks like, as @BotFather gives it; forms check it with the same pattern.</summary>
    public const string BotTokenPattern = @"^\d{1,20}:[A-Za-z0-9_-]{35,}$";

    private static readonly string[] OAuthOptional = ["refresh_token", "expires_at"];

    /// <summary>Labels of credential fields, and which are not secret (shown in clear in the form).</summary>
    private static readonly Dictionary<string, (string Label, bool Secret)> CredentialLabels = new(StringComparer.Ordinal)
    {
        ["bot_token"] = ("Bot token from @BotFather", true),
        ["access_token"] = ("Access token", true),
        ["page_access_token"] = ("Page access token", true),
        ["refresh_token"] = ("Refresh token", true),
        ["expires_at"] = ("Access token expiry (ISO 8601)", false),
        ["api_key"] = ("API key", true),
        ["company_login"] = ("Company login", false),
        ["client_id"] = ("Client ID", false),
        ["client_secret"] = ("Client secret", true),
    };

    private static readonly SettingField OutOfHoursMessage = new("out_of_hours_message", "Reply when closed ({next_open} is replaced by the next opening time)", SettingKind.Text);
    private static readonly SettingField LocationId = new("location_id", "Location id", SettingKind.Id);
    private static readonly SettingField GoogleEmail = new("email", "Google account", SettingKind.String);

    private static readonly Dictionary<string, ConnectionRequirement> BySlug = new ConnectionRequirement[]
    {
        new("telegram", ["bot_token"], [], WebhookProvider.Telegram,
            [new("greeting", "Greeting for new customers", SettingKind.Text), OutOfHoursMessage]),
        new("whatsapp", ["access_token"], [], WebhookProvider.Meta,
            [new("phone_number_id", "WhatsApp phone number id", SettingKind.Id, Required: true), new("waba_id", "WhatsApp Business account id", SettingKind.Id), OutOfHoursMessage],
            RoutingSetting: "phone_number_id"),
        new("instagram", ["access_token"], [], WebhookProvider.Meta,
            [new("instagram_account_id", "Instagram account id", SettingKind.Id, Required: true), OutOfHoursMessage], RoutingSetting: "instagram_account_id"),
        new("facebook-messenger", ["page_access_token"], [], WebhookProvider.Meta,
            [new("page_id", "Facebook Page id", SettingKind.Id, Required: true), OutOfHoursMessage], RoutingSetting: "page_id"),
        new("google-calendar", ["access_token"], OAuthOptional, WebhookProvider.GoogleCalendar,
            [new("calendar_id", "Calendar id (default: the primary calendar)", SettingKind.Id), GoogleEmail,
             // Written when Google's push channel is set up (events.watch answers it); channels.stop needs it.
             new("channel_resource_id", "Push channel resource id (set when the calendar is connected)", SettingKind.Id)]),
        new("google-meet", ["access_token"], OAuthOptional, WebhookProvider.None, [GoogleEmail]),
        new("google-sheets", ["access_token"], OAuthOptional, WebhookProvider.None,
            [new("spreadsheet_id", "Spreadsheet id", SettingKind.Id), GoogleEmail]),
        new("gmail", ["access_token"], OAuthOptional, WebhookProvider.Gmail,
            // Written by the OAuth callback from users.watch's answer: where Gmail's history starts for this mailbox.
            [GoogleEmail, new("history_id", "Mailbox history id (set when Gmail is connected)", SettingKind.Id)]),
        new("calendly", ["access_token"], OAuthOptional, WebhookProvider.Calendly,
            [new("user_uri", "Calendly user URI", SettingKind.Id, Required: true), new("organization_uri", "Calendly organization URI", SettingKind.Id),
             // Written by the OAuth callback: the webhook subscription Calendly created for us.
             new("webhook_subscription_uri", "Webhook subscription URI (set when Calendly is connected)", SettingKind.Id)],
            RoutingSetting: "user_uri"),
        new("zoom", ["access_token"], OAuthOptional, WebhookProvider.Zoom,
            [new("account_id", "Zoom account id", SettingKind.Id, Required: true)], RoutingSetting: "account_id"),
        new("square-appointments", ["access_token"], OAuthOptional, WebhookProvider.Square,
            [new("merchant_id", "Square merchant id", SettingKind.Id, Required: true), LocationId], RoutingSetting: "merchant_id"),
        new("zocdoc", ["access_token"], OAuthOptional, WebhookProvider.Zocdoc, [new("provider_id", "Zocdoc provider id", SettingKind.Id)]),
        new("simplybook", ["company_login", "api_key"], [], WebhookProvider.SimplyBook, [LocationId]),
        new("znany-lekarz", ["client_id", "client_secret"], [], WebhookProvider.ZnanyLekarz, [new("facility_id", "Facility id", SettingKind.Id), LocationId]),
        ApiKey("booksy"), ApiKey("dikidi"), ApiKey("easyweek"), ApiKey("treatwell"), ApiKey("planity"), ApiKey("reservio"),
        ApiKey("salonized"), ApiKey("fresha"), ApiKey("doctolib"), ApiKey("jameda"), ApiKey("doc-ua"), ApiKey("helsi"),
        ApiKey("patient-access"), ApiKey("practo"),
    }.ToDictionary(r => r.TypeSlug, StringComparer.Ordinal);

    /// <summary>A booking platform reached with one API key, with an optional location.</summary>
    private static ConnectionRequirement ApiKey(string slug) => new(slug, ["api_key"], [], WebhookProvider.None, [LocationId]);

    internal static CredentialField Field(string name, bool required)
    {
        var (label, secret) = CredentialLabels.TryGetValue(name, out var known) ? known : (name, true);
        return new CredentialField(name, label, secret, required, name switch { "bot_token" => BotTokenPattern, "expires_at" => ExpiresAtPattern, _ => null });
    }

    /// <summary>The requirement of a type; a type the catalog gains without one here needs only an api_key.</summary>
    public static ConnectionRequirement For(string typeSlug) =>
        BySlug.TryGetValue(typeSlug, out var requirement) ? requirement : ApiKey(typeSlug);

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
            if (name == "expires_at" && TokenExpiry(text) is null)
            {
                errors.Add(field, "Give the access token's expiry as an ISO 8601 date and time with its offset, like 2026-11-28T10:00:00Z.");
                continue;
            }
            values[name] = text;
        }
        return values;
    }

    /// <summary>An <c>expires_at</c> credential as a time (ISO 8601 with offset); null when it is none.</summary>
    public static DateTimeOffset? TokenExpiry(string? text) =>
        text is not null && IsoInstant().IsMatch(text)
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? at : null;

    /// <summary>The required credentials that <paramref name="values"/> lacks.</summary>
    public static IReadOnlyList<string> MissingCredentials(ConnectionRequirement requirement, IReadOnlyDictionary<string, string>? values) =>
        requirement.RequiredCredentials.Where(name => values is null || !values.ContainsKey(name)).ToList();

    /// <summary>Settings are a JSON object of at most 16 KB, with only the type's setting fields, each a string (or null to clear it).</summary>
    public static string ValidateSettings(ConnectionRequirement requirement, JsonObject settings, FieldErrors errors)
    {
        var json = settings.ToJsonString();
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxSettingsBytes)
        {
            errors.Add("settings", $"Settings may take at most {MaxSettingsBytes / 1024} KB.");
            return json;
        }
        foreach (var (name, node) in settings)
        {
            if (!requirement.Settings.Any(f => f.Name == name))
            {
                errors.Add("settings." + name, $"Not a setting of {requirement.TypeSlug}. " +
                    (requirement.Settings.Count == 0 ? "It takes none." : $"Expected: {string.Join(", ", requirement.Settings.Select(f => f.Name))}."));
            }
            else if (node is not null && (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
            {
                errors.Add("settings." + name, "Give a string.");
            }
        }
        return json;
    }

    [GeneratedRegex(BotTokenPattern)]
    private static partial Regex TelegramBotToken();

    [GeneratedRegex(ExpiresAtPattern)]
    private static partial Regex IsoInstant();
}
