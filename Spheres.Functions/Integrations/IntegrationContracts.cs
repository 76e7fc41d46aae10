using System.Text.Json.Nodes;
using Spheres.Core.Integrations;

namespace Spheres.Functions.Integrations;

public sealed record IntegrationRequest(string? IntegrationTypeSlug, int? IntegrationTypeId, JsonObject? Settings, JsonObject? Credentials)
{
    public IntegrationInput ToInput() => new(IntegrationTypeSlug, IntegrationTypeId, Settings, Credentials);
}

/// <summary>Integration JSON. Credentials are write-only: only <c>has_credentials</c> tells they are set.</summary>
public sealed record IntegrationJson(
    int Id,
    string UserId,
    int IntegrationTypeId,
    string IntegrationTypeSlug,
    string Status,
    string? StatusDetail,
    bool IsAvailable,
    JsonObject Settings,
    bool HasCredentials,
    bool SupportsWorkingHours,
    string? WebhookUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static IntegrationJson From(IntegrationView view)
    {
        var i = view.Integration;
        return new IntegrationJson(i.Id, i.UserId, i.TypeId, i.TypeSlug, i.Status.ToString().ToLowerInvariant(), i.StatusDetail,
            view.IsAvailable, i.Settings, i.HasCredentials, view.Type?.SupportsWorkingHours ?? false, view.WebhookUrl, i.CreatedAt, i.UpdatedAt);
    }
}
