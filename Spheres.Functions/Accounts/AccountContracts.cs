using Spheres.Core.Accounts;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;

namespace Spheres.Functions.Accounts;

// Requests: every field nullable so that all missing fields are reported together, by name.

public sealed record RegisterRequest(
    string? Email, string? Password, string? Name, string? BusinessName,
    int? SphereId, string? SphereSlug, string? Timezone, string? Country)
{
    public RegistrationInput ToInput() => new(Email, Password, Name, BusinessName, SphereId, SphereSlug, Timezone, Country);
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ProfilePatchRequest(int? SphereId, string? SphereSlug, string? BusinessName, string? Timezone, string? Country)
{
    public ProfileChanges ToChanges() => new(SphereId, SphereSlug, BusinessName, Timezone, Country);
}

public sealed record SetPlanRequest(string? Plan);

// Responses, in the contract's names.

public sealed record TokenJson(string AccessToken, string TokenType, int ExpiresIn)
{
    public static TokenJson From(IssuedToken token) => new(token.AccessToken, IssuedToken.TokenType, token.ExpiresInSeconds);
}

public sealed record UserJson(string Id, string Email, string Name);

public sealed record ProfileJson(
    string TenantId, string UserId, int SphereId, string? SphereSlug, string BusinessName, string Timezone, string? Country, string Plan)
{
    public static ProfileJson From(TenantProfile p, string userId, CatalogSnapshot catalog) => new(
        p.TenantId, userId, p.SphereId, catalog.Spheres.FirstOrDefault(s => s.Id == p.SphereId)?.Slug,
        p.BusinessName, p.TimeZone, p.Country, p.Plan);
}

public sealed record RegistrationJson(string AccessToken, string TokenType, int ExpiresIn, UserJson User, ProfileJson Profile);

public sealed record UsageJson(string Plan, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, int MessagesUsed, int MessagesLimit)
{
    public static UsageJson From(Usage u) => new(u.Plan.Id, u.Period.Start, u.Period.End, u.MessagesUsed, u.Plan.MessagesPerMonth);
}
