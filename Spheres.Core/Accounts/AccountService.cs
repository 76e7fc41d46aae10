using Spheres.Core.Catalog;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

/// <summary>Registration and sign-in.</summary>
public sealed class AccountService(
    AccountStore store, CatalogService catalog, Passwords passwords, AccessTokens tokens, Sessions.SessionService sessions, LoginThrottle throttle,
    TimeProvider time)
{
    /// <summary>A pending email claim older than this was abandoned by a failed registration and may be taken over.</summary>
    public static readonly TimeSpan AbandonedClaimAge = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Creates tenant, owner and profile. The email is claimed first with an insert-if-absent
    /// (so concurrent sign-ups of one email give one account), the tenant is written in one
    /// transaction, and only then is the claim activated: a failure half-way leaves no account
    /// that can sign in, and the claim is released or, if even that fails, expires.
    /// </summary>
    public async Task<Registration> RegisterAsync(RegistrationInput input, CancellationToken cancellationToken)
    {
        tokens.EnsureConfigured();
        var snapshot = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        var sphere = AccountValidation.ValidateRegistration(input, snapshot);
        var email = AccountValidation.NormalizeEmail(input.Email!);
        var now = time.GetUtcNow();
        var tenantId = Guid.NewGuid().ToString("N");
        var userId = Guid.NewGuid().ToString("N");

        var claim = await store.TryClaimEmailAsync(email, tenantId, userId, now, cancellationToken).ConfigureAwait(false)
                    ?? await TryTakeOverAbandonedClaimAsync(email, tenantId, userId, now, cancellationToken).ConfigureAwait(false)
                    ?? throw ProblemException.Conflict("An account with this email already exists. Sign in instead.");

        var businessName = string.IsNullOrWhiteSpace(input.BusinessName) ? input.Name! : input.BusinessName;
        var profile = new TenantProfile(tenantId, userId, sphere.Id, businessName.Trim(), input.TimeZone ?? "UTC",
            input.Country is null ? null : AccountValidation.NormalizeCountry(input.Country), Plan.Default.Id, now, now);
        var owner = new UserAccount(tenantId, userId, email, input.Name!.Trim(), passwords.Hash(input.Password!), now);
        try
        {
            await store.CreateTenantAsync(profile, owner, cancellationToken).ConfigureAwait(false);
            await store.ActivateEmailAsync(email, tenantId, userId, now, claim, cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException e) when (e.Status is 412 or 404)
        {
            // Our claim lapsed and another registration took the email over: it is theirs.
            throw ProblemException.Conflict("An account with this email already exists. Sign in instead.");
        }
        catch
        {
            await ReleaseQuietlyAsync(email, tenantId).ConfigureAwait(false);
            throw;
        }
        return new Registration(profile, owner, await sessions.StartAsync(tenantId, userId, cancellationToken).ConfigureAwait(false));
    }

    /// <param name="client">The caller's address: wrong passwords lock out that address, not the account (<see cref="LoginThrottle"/>).</param>
    public async Task<SignIn> LoginAsync(string? rawEmail, string? password, string client, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(rawEmail)) errors.Add("email", "Email is required.");
        if (string.IsNullOrEmpty(password)) errors.Add("password", "Password is required.");
        errors.ThrowIfAny();

        var email = AccountValidation.NormalizeEmail(rawEmail!);
        var reservation = await throttle.ReserveSignInAsync(email, client, cancellationToken).ConfigureAwait(false);
        var entry = await store.FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
        var active = entry is { State: AccountStore.EmailState.Active };
        // An unknown email reads a (missing) user row and checks a dummy hash: the same work as a wrong password.
        var user = await store.FindUserAsync(active ? entry!.TenantId : "unknown", active ? entry!.UserId : "unknown", cancellationToken)
            .ConfigureAwait(false);
        if (!passwords.Verify(user?.PasswordHash, password!))
        {
            throw ProblemException.Unauthorized("The email or the password is wrong.");
        }
        await throttle.ClearAsync(reservation, cancellationToken).ConfigureAwait(false);
        return new SignIn(user!, await sessions.StartAsync(user!.TenantId, user.UserId, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Azure.ETag?> TryTakeOverAbandonedClaimAsync(string email, string tenantId, string userId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var existing = await store.FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
        return existing is { State: AccountStore.EmailState.Pending } && now - existing.ClaimedAt > AbandonedClaimAge
            ? await store.TryTakeOverEmailAsync(existing, tenantId, userId, now, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async Task ReleaseQuietlyAsync(string email, string tenantId)
    {
        try
        {
            await store.ReleaseEmailAsync(email, tenantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Storage is failing; the pending claim expires after AbandonedClaimAge instead.
        }
    }
}
