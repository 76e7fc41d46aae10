using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Spheres.Core.Accounts;

/// <summary>
/// Password hashing by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2,
/// HMAC-SHA512, 100 000 iterations, salted). Never hand-rolled.
/// </summary>
public sealed class Passwords
{
    private readonly PasswordHasher<UserAccount> _hasher = new();
    private readonly Lazy<string> _dummyHash;

    public Passwords() =>
        // Verified against when an email is unknown, so that login costs the same as a wrong password.
        _dummyHash = new Lazy<string>(() => _hasher.HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>Checks <paramref name="password"/> against <paramref name="hash"/>, or against a dummy when there is no user.</summary>
    public bool Verify(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(null!, hash ?? _dummyHash.Value, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
