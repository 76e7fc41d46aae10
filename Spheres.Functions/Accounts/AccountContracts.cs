using System.Text.Json.Serialization;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;

namespace Spheres.Functions.Accounts;

// Requests: every field nullable so that all missing fields are reported together, by name.

/// <summary>Registration. <c>sphere_id</c> also accepts its number as a string (<c>"2"</c>), as HTML forms send it; <c>business_name</c> defaults to <c>name</c>.</summary>
public sealed record RegisterRequest(
    string? Email, string? Password, string? Name, string? BusinessName,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] int? SphereId, string? SphereSlug, string? Timezone, string? Country)
{
    public RegistrationInput ToInput() => new(Email, Password, Name, BusinessName, SphereId, SphereSlug, Timezone, Country);
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record ProfilePatchRequest([property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] int? SphereId, string? SphereSlug, string? BusinessName, string? Timezone, string? Country)
{
    public ProfileChanges ToChanges() => new(SphereId, SphereSlug, BusinessName, Timezone, Country);
}

public sealed record SetPlanRequest(string? Plan);

// Responses, in the contract's names.

public sealed record RefreshRequest(string? RefreshToken);

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

public sealed record PasswordResetRequest(string? Email);

public sealed record PasswordResetConfirmRequest(string? Token, string? NewPassword);

/// <summary>A new pair of tokens: the access token (short) and the refresh token that renews it once.</summary>
public sealed record TokenPairJson(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken)
{
    public static TokenPairJson From(SessionTokens tokens) =>
        new(tokens.Access.AccessToken, IssuedToken.TokenType, tokens.Access.ExpiresInSeconds, tokens.RefreshToken);
}

public sealed record UserJson(string Id, string Email, string Name)
{
    public static UserJson From(UserAccount user) => new(user.UserId, user.Email, user.Name);
}

/// <summary>Login: the token pair and who signed in.</summary>
public sealed record LoginJson(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, UserJson User)
{
    public static LoginJson From(SignIn signIn) => new(signIn.Tokens.Access.AccessToken, IssuedToken.TokenType, signIn.Tokens.Access.ExpiresInSeconds,
        signIn.Tokens.RefreshToken, UserJson.From(signIn.User));
}

public sealed record ProfileJson(
    string TenantId, string UserId, string Email, string Name, int SphereId, string? SphereSlug, string BusinessName, string Timezone, string? Country,
    string Plan)
{
    public static ProfileJson From(TenantProfile p, UserAccount user, CatalogSnapshot catalog) => new(
        p.TenantId, user.UserId, user.Email, user.Name, p.SphereId, catalog.Spheres.FirstOrDefault(s => s.Id == p.SphereId)?.Slug,
        p.BusinessName, p.TimeZone, p.Country, p.Plan);
}

public sealed record RegistrationJson(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, UserJson User, ProfileJson Profile);

/// <summary>A plan as the plans page shows it (API.md, "Plans").</summary>
public sealed record PlanJson(string Slug, string Name, int MessagesPerMonth, bool WorkingHours, bool SphereIntegrations, bool Analytics)
{
    public static PlanJson From(Plan p) => new(p.Id, p.DisplayName, p.MessagesPerMonth, p.WorkingHours, p.SphereIntegrations, p.Analytics);
}

public sealed record UsageJson(string Plan, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, int MessagesUsed, int MessagesLimit)
{
    public static UsageJson From(Usage u) => new(u.Plan.Id, u.Period.Start, u.Period.End, u.MessagesUsed, u.Plan.MessagesPerMonth);
}
