using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

/// <summary>
/// Changing a password, and resetting a forgotten one with a single-use token from a mail. A
/// reset token is reserved (spent, ETag-guarded) before the password changes, so two uses of one
/// token cannot both succeed; a reset ends every session, a change every session but the caller's, and either spends
/// every other reset link of the user (a link is valid only for the user's reset generation it was issued in).
/// </summary>
public sealed class PasswordService(
    AccountStore accounts, SessionStore sessionStore, SessionService sessions, Passwords passwords, LoginThrottle throttle, TimeProvider time)
{
    public static readonly TimeSpan ResetTokenLifetime = TimeSpan.FromMinutes(30);

    public async Task ChangeAsync(Caller caller, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(currentPassword)) errors.Add("current_password", "Give your current password.");
        CheckNewPassword(newPassword, errors);
        errors.ThrowIfAny();

        var user = (ProfileService.IsTenantId(caller.TenantId) ? await accounts.FindUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false) : null)
            ?? throw ProblemException.NotFound("No such user.");
        // A stolen access token must not become a way around the sign-in limit: as many attempts per session as per address.
        var reservation = await throttle.ReserveForSessionAsync(user.Email, caller.SessionId ?? "", cancellationToken).ConfigureAwait(false);
        if (!passwords.Verify(user.PasswordHash, currentPassword!))
        {
            // 400, not 401: the session is fine, only this field is wrong (a 401 would sign the frontend out).
            throw ProblemException.Validation("current_password", "This is not your current password.");
        }
        await throttle.ClearAsync(reservation, cancellationToken).ConfigureAwait(false);
        await accounts.TrySetPasswordHashAsync(user, passwords.Hash(newPassword!), cancellationToken).ConfigureAwait(false);
        await sessions.RevokeAllAsync(caller.TenantId, caller.UserId, keepSessionId: caller.SessionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The account of a known, active email (by its index key), or null for any other: unknown, pending or being erased.</summary>
    public async Task<UserAccount?> FindResetRecipientAsync(string emailKey, CancellationToken cancellationToken)
    {
        var entry = await accounts.FindEmailByKeyAsync(emailKey, cancellationToken).ConfigureAwait(false);
        if (entry is not { State: AccountStore.EmailState.Active }) return null;
        return await accounts.FindUserAsync(entry.TenantId, entry.UserId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new reset token of the user, valid for <see cref="ResetTokenLifetime"/>; only its hash is stored.</summary>
    public async Task<string> IssueResetTokenAsync(UserAccount user, CancellationToken cancellationToken)
    {
        var token = OpaqueToken.New(user.TenantId);
        await sessionStore.AddResetTokenAsync(token, user.UserId, user.ResetGeneration, time.GetUtcNow() + ResetTokenLifetime, cancellationToken)
            .ConfigureAwait(false);
        return token.ToString();
    }

    public async Task ConfirmResetAsync(string? token, string? newPassword, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(token)) errors.Add("token", "Give the token from the reset link.");
        CheckNewPassword(newPassword, errors);
        errors.ThrowIfAny();

        var parsed = OpaqueToken.TryParse(token) ?? throw InvalidToken();
        var row = await sessionStore.FindResetTokenAsync(parsed, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Spent || row.ExpiresAt <= time.GetUtcNow() || !await sessionStore.TrySpendAsync(row, cancellationToken).ConfigureAwait(false))
        {
            throw InvalidToken();
        }
        var user = await accounts.FindUserAsync(parsed.TenantId, row.UserId, cancellationToken).ConfigureAwait(false);
        // A link of an earlier generation was spent by the change or reset that started this one.
        if (user is null || user.ResetGeneration != row.Generation) throw InvalidToken();
        await accounts.TrySetPasswordHashAsync(user, passwords.Hash(newPassword!), cancellationToken).ConfigureAwait(false);
        await sessions.RevokeAllAsync(user.TenantId, user.UserId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckNewPassword(string? password, FieldErrors errors)
    {
        if (password is null) errors.Add("new_password", "Give the new password.");
        else if (password.Length < AccountValidation.MinPasswordLength) errors.Add("new_password", $"Use at least {AccountValidation.MinPasswordLength} characters.");
        else if (password.Length > AccountValidation.MaxPasswordLength) errors.Add("new_password", $"Use at most {AccountValidation.MaxPasswordLength} characters.");
    }

    private static ProblemException InvalidToken() =>
        ProblemException.Validation("token", "This reset link is not valid, was already used or has expired. Ask for a new one.");
}
