using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Catalog;
using Spheres.Core.Plans;
using Spheres.Functions.OpenApi;

namespace Spheres.Functions.Accounts;

// Requests: every field nullable so that all missing fields are reported together, by name; the attributes
// say what the OpenAPI document shows (required, bounds) and mirror AccountValidation's rules.

/// <summary>Registration. <c>sphere_id</c> also accepts its number as a string (<c>"2"</c>), as HTML forms send it; <c>business_name</c> defaults to <c>name</c>.</summary>
[ApiOneOf("sphere_id", "sphere_slug", Required = true)]
public sealed record RegisterRequest(
    [property: Required, StringLength(AccountValidation.MaxEmailLength, MinimumLength = 3), EmailAddress, RegularExpression(RegisterRequest.EmailPattern)] string? Email,
    [property: Required, StringLength(AccountValidation.MaxPasswordLength, MinimumLength = AccountValidation.MinPasswordLength)] string? Password,
    [property: Required, StringLength(AccountValidation.MaxNameLength, MinimumLength = 1), RegularExpression(RegisterRequest.SomeText)] string? Name,
    [property: StringLength(AccountValidation.MaxNameLength), OpenApi.Description("Defaults to name.")] string? BusinessName,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString), ApiExamples("1", "2", "\"3\""),
     OpenApi.Description("An active sphere's id; give sphere_id or sphere_slug.")] int? SphereId,
    [property: ApiExamples(RegisterRequest.SphereSlugs), OpenApi.Description("An active sphere's slug.")] string? SphereSlug,
    [property: ApiExamples(RegisterRequest.Zones), OpenApi.Description("IANA time zone id; default UTC.")] string? Timezone,
    [property: RegularExpression(RegisterRequest.CountryPattern), ApiExamples(RegisterRequest.Countries),
     OpenApi.Description("ISO 3166-1 alpha-2, either case.")] string? Country)
{
    /// <summary>ISO 3166-1 alpha-2, either case.</summary>
    public const string CountryPattern = "^[A-Za-z]{2}$";

    /// <summary>What AccountValidation.IsEmail adds to format email: a dot in the domain, which does not end with one.</summary>
    public const string EmailPattern = @"^\s*[^@\s]+@[^@\s]+\.[^@\s.]+\s*$";

    /// <summary>Blank text counts as none.</summary>
    public const string SomeText = @"\S";

    // Examples of lookups (the catalog's spheres, IANA zones, ISO countries) that the schema cannot list as rules.
    public const string SphereSlugs = "\"beauty\"";
    public const string Zones = "\"Europe/Kyiv\"";
    public const string Countries = "\"UA\"";

    public RegistrationInput ToInput() => new(Email, Password, Name, BusinessName, SphereId, SphereSlug, Timezone, Country);
}

public sealed record LoginRequest(
    [property: Required, RegularExpression(RegisterRequest.SomeText)] string? Email,
    [property: Required, StringLength(AccountValidation.MaxPasswordLength, MinimumLength = 1)] string? Password);

[ApiOneOf("sphere_id", "sphere_slug")]
public sealed record ProfilePatchRequest(
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString), ApiExamples("1", "2", "\"3\"")] int? SphereId,
    [property: ApiExamples(RegisterRequest.SphereSlugs)] string? SphereSlug,
    [property: StringLength(AccountValidation.MaxNameLength, MinimumLength = 1), RegularExpression(RegisterRequest.SomeText)] string? BusinessName,
    [property: ApiExamples(RegisterRequest.Zones), OpenApi.Description("IANA time zone id.")] string? Timezone,
    [property: RegularExpression(RegisterRequest.CountryPattern), ApiExamples(RegisterRequest.Countries)] string? Country)
{
    public ProfileChanges ToChanges() => new(SphereId, SphereSlug, BusinessName, Timezone, Country);
}

public sealed record SetPlanRequest([property: Required, AllowedValues("free", "starter", "professional")] string? Plan);

// Responses, in the contract's names.

public sealed record RefreshRequest([property: Required, MinLength(1)] string? RefreshToken);

public sealed record PasswordChangeRequest(
    [property: Required, MinLength(1)] string? CurrentPassword,
    [property: Required, StringLength(AccountValidation.MaxPasswordLength, MinimumLength = AccountValidation.MinPasswordLength)] string? NewPassword);

public sealed record PasswordResetRequest(
    [property: Required, StringLength(AccountValidation.MaxEmailLength, MinimumLength = 3), EmailAddress, RegularExpression(RegisterRequest.EmailPattern)] string? Email);

public sealed record PasswordResetConfirmRequest(
    [property: Required, MinLength(1)] string? Token,
    [property: Required, StringLength(AccountValidation.MaxPasswordLength, MinimumLength = AccountValidation.MinPasswordLength)] string? NewPassword);

/// <summary>A new pair of tokens: the access token (short) and the refresh token that renews it once.</summary>
public sealed record TokenPairJson(string AccessToken, [property: AllowedValues("Bearer")] string TokenType, int ExpiresIn, string RefreshToken)
{
    public static TokenPairJson From(SessionTokens tokens) =>
        new(tokens.Access.AccessToken, IssuedToken.TokenType, tokens.Access.ExpiresInSeconds, tokens.RefreshToken);
}

public sealed record UserJson(string Id, string Email, string Name)
{
    public static UserJson From(UserAccount user) => new(user.UserId, user.Email, user.Name);
}

/// <summary>Login: the token pair and who signed in.</summary>
public sealed record LoginJson(string AccessToken, [property: AllowedValues("Bearer")] string TokenType, int ExpiresIn, string RefreshToken, UserJson User)
{
    public static LoginJson From(SignIn signIn) => new(signIn.Tokens.Access.AccessToken, IssuedToken.TokenType, signIn.Tokens.Access.ExpiresInSeconds,
        signIn.Tokens.RefreshToken, UserJson.From(signIn.User));
}

public sealed record ProfileJson(
    string TenantId, string UserId, string Email, string Name, int SphereId, string? SphereSlug, string BusinessName, string Timezone, string? Country,
    [property: AllowedValues("free", "starter", "professional")] string Plan)
{
    public static ProfileJson From(TenantProfile p, UserAccount user, CatalogSnapshot catalog) => new(
        p.TenantId, user.UserId, user.Email, user.Name, p.SphereId, catalog.Spheres.FirstOrDefault(s => s.Id == p.SphereId)?.Slug,
        p.BusinessName, p.TimeZone, p.Country, p.Plan);
}

public sealed record RegistrationJson(string AccessToken, [property: AllowedValues("Bearer")] string TokenType, int ExpiresIn, string RefreshToken, UserJson User, ProfileJson Profile);

/// <summary>A plan as the plans page shows it (API.md, "Plans").</summary>
public sealed record PlanJson([property: AllowedValues("free", "starter", "professional")] string Slug, string Name, int MessagesPerMonth, bool WorkingHours, bool SphereIntegrations, bool Analytics)
{
    public static PlanJson From(Plan p) => new(p.Id, p.DisplayName, p.MessagesPerMonth, p.WorkingHours, p.SphereIntegrations, p.Analytics);
}

public sealed record UsageJson([property: AllowedValues("free", "starter", "professional")] string Plan, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, int MessagesUsed, int MessagesLimit)
{
    public static UsageJson From(Usage u) => new(u.Plan.Id, u.Period.Start, u.Period.End, u.MessagesUsed, u.Plan.MessagesPerMonth);
}
