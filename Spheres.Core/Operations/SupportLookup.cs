using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Operations;

/// <summary>What support sees of a tenant found by its owner's email.</summary>
public sealed record TenantSummary(string TenantId, string Email, string Plan, DateTimeOffset CreatedAt, IReadOnlyList<Integration> Integrations);

/// <summary>Support finds a tenant by email (admin, function key): through the email index, as sign-in does.</summary>
public sealed class SupportLookup(AccountStore accounts, IntegrationStore integrations)
{
    public async Task<TenantSummary> FindByEmailAsync(string? rawEmail, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(rawEmail)) throw ProblemException.Validation("email", "Give ?email= the owner's email address.");
        if (!AccountValidation.IsEmail(rawEmail)) throw ProblemException.Validation("email", "Enter a valid email address, like name@example.com.");
        var email = AccountValidation.NormalizeEmail(rawEmail);
        // Only an active claim is an account: a pending one is a registration in flight, an erasing one is going away.
        var entry = await accounts.FindEmailAsync(email, cancellationToken).ConfigureAwait(false);
        if (entry is { State: AccountStore.EmailState.Erasing })
            throw ProblemException.NotFound("This account is being erased at its owner's request; its data is going away.");
        var profile = entry is { State: AccountStore.EmailState.Active }
            ? await accounts.FindProfileAsync(entry.TenantId, cancellationToken).ConfigureAwait(false)
            : null;
        if (profile is null) throw ProblemException.NotFound("No account has this email.");
        var connected = await integrations.ListAsync(profile.TenantId, cancellationToken).ConfigureAwait(false);
        return new TenantSummary(profile.TenantId, email, profile.Plan, profile.CreatedAt, connected);
    }
}
