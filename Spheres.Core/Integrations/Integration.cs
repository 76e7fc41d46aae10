using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spheres.Core.Integrations;

public enum IntegrationStatus { Pending, Active, Inactive, Error, RelinkRequired }

/// <summary>Statuses by their API names (<c>relink_required</c>, not the C# spelling).</summary>
public static class IntegrationStatusNames
{
    public static readonly IReadOnlyList<string> All = ["pending", "active", "inactive", "error", "relink_required"];

    public static string ToApi(this IntegrationStatus status) => status == IntegrationStatus.RelinkRequired ? "relink_required" : status.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out IntegrationStatus status)
    {
        status = default;
        var index = All.ToList().IndexOf(text);
        if (index < 0) return false;
        status = (IntegrationStatus)index;
        return true;
    }
}

/// <summary>A tenant's connection to one integration type. Secrets are only referenced, never held.</summary>
public sealed record Integration(
    string TenantId,
    int Id,
    string UserId,
    int TypeId,
    string TypeSlug,
    IntegrationStatus Status,
    string? StatusDetail,
    string SettingsJson,
    string? CredentialsRef,
    string? WebhookSecretRef,
    string WebhookKey,
    string? RouteKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string? ETag { get; init; }

    /// <summary>
    /// Credentials replaced while the old bot still pointed its webhook at us: kept until the old
    /// webhook is removed (retried on every activate, deactivate and delete), so it never becomes impossible.
    /// </summary>
    public string? RetiredCredentialsRef { get; init; }

    /// <summary>When the OAuth access token in the vault expires (not secret): the refresher's schedule.</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }

    /// <summary>When the provider's push channel lapses (Google's expire): renewed before then.</summary>
    public DateTimeOffset? PushExpiresAt { get; init; }

    /// <summary>
    /// The provider account our app was subscribed to at activation (Meta's page, Instagram account or WhatsApp business
    /// account), as the provider named it: what a disconnect unsubscribes. Never a setting, which the tenant may edit.
    /// </summary>
    public string? SubscribedAccount { get; init; }

    public bool HasCredentials => CredentialsRef is not null;

    public JsonObject Settings => JsonNode.Parse(SettingsJson) as JsonObject ?? new JsonObject();

    /// <summary>A string setting, or null when absent or not a non-empty string.</summary>
    public string? Setting(string key) =>
        Settings.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && value.GetValue<string>() is { Length: > 0 } text ? text : null;
}
