using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spheres.Core.Problems;

namespace Spheres.Core.Integrations;

/// <summary>How a type's connect form is filled: by OAuth consent, a bot token, one API key, or several credentials.</summary>
public enum ConnectMethod { OAuth, BotToken, ApiKey, Credentials }

/// <summary>The kind of input a setting takes: one line, a multi-line message, or a provider's id.</summary>
public enum SettingKind { String, Text, Id }

/// <summary>A setting a tenant may give (settings are not secret).</summary>
public sealed record SettingField(string Name, string Label, SettingKind Kind, bool Required = false)
{
    /// <summary>The message a channel sends outside working hours (<c>{next_open}</c> is replaced by the next opening).</summary>
    public static readonly SettingField OutOfHoursMessage =
        new("out_of_hours_message", "Reply when closed ({next_open} is replaced by the next opening time)", SettingKind.Text);

    public static readonly SettingField LocationId = new("location_id", "Location id", SettingKind.Id);
}

/// <summary>
/// A credential field of a connect form: its label, whether to mask it, and the shape it must have (<see cref="Pattern"/>, an
/// ECMAScript-compatible regex the form checks too, and <see cref="Accepts"/>, what only the server can check), with the
/// sentence an owner reads when it does not (never repeating the value).
/// </summary>
public sealed record CredentialField(
    string Name, string Label, bool Secret, bool Required, string? Pattern = null, string? Invalid = null, Func<string, bool>? Accepts = null)
{
    /// <summary>An OAuth token's <c>expires_at</c>: ISO 8601 date and time with its offset (forms check it with the same pattern).</summary>
    public const string ExpiresAtPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$";

    public static CredentialField AccessToken(bool required = true) => new("access_token", "Access token", Secret: true, required);

    public static readonly CredentialField RefreshToken = new("refresh_token", "Refresh token", Secret: true, Required: false);

    public static readonly CredentialField ExpiresAt = new("expires_at", "Access token expiry (ISO 8601)", Secret: false, Required: false,
        ExpiresAtPattern, "Give the access token's expiry as an ISO 8601 date and time with its offset, like 2026-11-28T10:00:00Z.",
        text => TokenExpiry(text) is not null);

    public static readonly CredentialField ApiKey = new("api_key", "API key", Secret: true, Required: true);

    /// <summary>An <c>expires_at</c> credential as a time (ISO 8601 with offset); null when it is none.</summary>
    public static DateTimeOffset? TokenExpiry(string? text) =>
        text is not null && Regex.IsMatch(text, ExpiresAtPattern)
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? at : null;

    /// <summary>Whether a trimmed, non-empty value has this field's shape.</summary>
    public bool IsValid(string text) => (Pattern is null || Regex.IsMatch(text, Pattern)) && (Accepts is null || Accepts(text));
}

/// <summary>
/// What one integration type needs to connect (CATALOG.md, "What each type needs to connect"), declared by the provider
/// module that serves the type: its connect method, credential and setting fields, the setting that names the provider
/// account deliveries are routed by, and where its provider posts (a path under <c>/api/webhooks/</c>, <c>{key}</c>
/// standing for the integration's webhook key).
/// </summary>
public sealed record ConnectionRequirement(
    string TypeSlug,
    ConnectMethod Method,
    IReadOnlyList<CredentialField> CredentialFields,
    IReadOnlyList<SettingField> Settings,
    string? RoutingSetting = null,
    string? WebhookPath = null)
{
    public const int MaxSettingsBytes = 16 * 1024;
    public const int MaxCredentialLength = 4096;

    public IReadOnlyList<string> RequiredCredentials => CredentialFields.Where(f => f.Required).Select(f => f.Name).ToList();

    public IEnumerable<string> AllCredentials => CredentialFields.Select(f => f.Name);

    /// <summary>The credential that acts for the account (the first required one: a bot token, an access token).</summary>
    public string PrimaryCredential => RequiredCredentials[0];

    /// <summary>Connected by consent: an access token, and the refresh token and expiry the provider gives with it.</summary>
    public static ConnectionRequirement OAuth(string slug, IReadOnlyList<SettingField> settings, string? routingSetting = null, string? webhookPath = null) =>
        new(slug, ConnectMethod.OAuth, [CredentialField.AccessToken(), CredentialField.RefreshToken, CredentialField.ExpiresAt], settings, routingSetting,
            webhookPath);

    /// <summary>A booking platform reached with one API key, with an optional location.</summary>
    public static ConnectionRequirement WithApiKey(string slug) => new(slug, ConnectMethod.ApiKey, [CredentialField.ApiKey], [SettingField.LocationId]);

    /// <summary>
    /// Checks credential fields: only this type's names, non-empty strings of bounded length, in each field's shape.
    /// Errors name the field and never repeat its value.
    /// </summary>
    public IReadOnlyDictionary<string, string> ValidateCredentials(JsonObject credentials, FieldErrors errors)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in credentials)
        {
            var key = "credentials." + name;
            if (CredentialFields.FirstOrDefault(f => f.Name == name) is not { } field)
            {
                errors.Add(key, $"Not a credential of {TypeSlug}. Expected: {string.Join(", ", AllCredentials)}.");
                continue;
            }
            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Trim() is not { Length: > 0 } text)
            {
                errors.Add(key, "Give a non-empty string.");
                continue;
            }
            if (text.Length > MaxCredentialLength)
            {
                errors.Add(key, $"At most {MaxCredentialLength} characters.");
                continue;
            }
            if (!field.IsValid(text))
            {
                errors.Add(key, field.Invalid ?? "This value does not have the expected shape.");
                continue;
            }
            values[name] = text;
        }
        return values;
    }

    /// <summary>The required credentials that <paramref name="values"/> lacks.</summary>
    public IReadOnlyList<string> MissingCredentials(IReadOnlyDictionary<string, string>? values) =>
        RequiredCredentials.Where(name => values is null || !values.ContainsKey(name)).ToList();

    /// <summary>Settings are a JSON object of at most 16 KB, with only the type's setting fields, each a string (or null to clear it).</summary>
    public string ValidateSettings(JsonObject settings, FieldErrors errors)
    {
        var json = settings.ToJsonString();
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxSettingsBytes)
        {
            errors.Add("settings", $"Settings may take at most {MaxSettingsBytes / 1024} KB.");
            return json;
        }
        foreach (var (name, node) in settings)
        {
            if (!Settings.Any(f => f.Name == name))
            {
                errors.Add("settings." + name, $"Not a setting of {TypeSlug}. " +
                    (Settings.Count == 0 ? "It takes none." : $"Expected: {string.Join(", ", Settings.Select(f => f.Name))}."));
            }
            else if (node is not null && (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
            {
                errors.Add("settings." + name, "Give a string.");
            }
        }
        return json;
    }
}

/// <summary>A provider module's integration types and what each needs to connect.</summary>
public interface IConnectionRequirementSource
{
    IEnumerable<ConnectionRequirement> Requirements { get; }
}

/// <summary>Every type's requirement, from the provider modules; a type the catalog gains without one needs only an api_key.</summary>
public sealed class ConnectionRequirements
{
    private readonly Dictionary<string, ConnectionRequirement> _bySlug;

    public ConnectionRequirements(IEnumerable<IConnectionRequirementSource> sources)
    {
        _bySlug = new Dictionary<string, ConnectionRequirement>(StringComparer.Ordinal);
        foreach (var requirement in sources.SelectMany(s => s.Requirements))
        {
            if (!_bySlug.TryAdd(requirement.TypeSlug, requirement))
                throw new InvalidOperationException($"Two provider modules declare the integration type {requirement.TypeSlug}.");
        }
    }

    public ConnectionRequirement For(string typeSlug) =>
        _bySlug.TryGetValue(typeSlug, out var requirement) ? requirement : ConnectionRequirement.WithApiKey(typeSlug);
}
