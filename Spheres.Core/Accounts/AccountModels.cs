namespace Spheres.Core.Accounts;

/// <summary>The tenant's profile row: who the business is and what it may use.</summary>
public sealed record TenantProfile(
    string TenantId,
    string OwnerUserId,
    int SphereId,
    string BusinessName,
    string TimeZone,
    string? Country,
    string Plan,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The row's ETag, for optimistic concurrency on updates.</summary>
    public string? ETag { get; init; }
}

/// <summary>A person who signs in; the tenant's owner for now.</summary>
public sealed record UserAccount(string TenantId, string UserId, string Email, string Name, string PasswordHash, DateTimeOffset CreatedAt)
{
    /// <summary>Changes with every password change or reset: a reset link is valid only for the generation it was issued in.</summary>
    public string? ResetGeneration { get; init; }
}

/// <summary>Who is calling: read from a verified access token, never from the request.</summary>
/// <param name="SessionId">The sign-in session the access token belongs to (null for tokens issued without one).</param>
public sealed record Caller(string TenantId, string UserId, string? SessionId = null);

public sealed record IssuedToken(string AccessToken, int ExpiresInSeconds)
{
    public const string TokenType = "Bearer";
}

/// <summary>Registration input, as given (validated by <see cref="AccountValidation"/>).</summary>
public sealed record RegistrationInput(
    string? Email,
    string? Password,
    string? Name,
    string? BusinessName,
    int? SphereId,
    string? SphereSlug,
    string? TimeZone,
    string? Country);

/// <summary>Profile changes; null leaves a field as it is.</summary>
public sealed record ProfileChanges(int? SphereId, string? SphereSlug, string? BusinessName, string? TimeZone, string? Country);

public sealed record Registration(TenantProfile Profile, UserAccount User, Sessions.SessionTokens Tokens);

/// <summary>A successful sign-in: who, and the session's tokens.</summary>
public sealed record SignIn(UserAccount User, Sessions.SessionTokens Tokens);
