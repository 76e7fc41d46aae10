using Spheres.Core.Integrations;
using Spheres.Core.Operations;

namespace Spheres.Functions.Admin;

/// <summary>One of the tenant's integrations as support sees it: no settings, no credentials.</summary>
public sealed record TenantIntegrationJson(int Id, string IntegrationTypeSlug, string Status, string? StatusDetail, DateTimeOffset CreatedAt)
{
    public static TenantIntegrationJson From(Integration i) =>
        new(i.Id, i.TypeSlug, i.Status.ToString().ToLowerInvariant(), i.StatusDetail, i.CreatedAt);
}

public sealed record TenantLookupJson(string TenantId, string Email, string Plan, DateTimeOffset CreatedAt, IReadOnlyList<TenantIntegrationJson> Integrations)
{
    public static TenantLookupJson From(TenantSummary t) =>
        new(t.TenantId, t.Email, t.Plan, t.CreatedAt, t.Integrations.Select(TenantIntegrationJson.From).ToList());
}
