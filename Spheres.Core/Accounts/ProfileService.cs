using Spheres.Core.Catalog;
using Spheres.Core.Plans;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

public sealed record Usage(Plan Plan, UsagePeriod Period, int MessagesUsed);

/// <summary>The tenant's profile, plan and usage. The tenant always comes from the caller's token.</summary>
public sealed class ProfileService(AccountStore store, CatalogService catalog, UsageMeter usage, ProfileCache cache, TimeProvider time)
{
    private const int MaxUpdateAttempts = 5;

    public async Task<TenantProfile> GetAsync(Caller caller, CancellationToken cancellationToken) =>
        await FindAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);

    /// <summary>The profile with the signed-in user (email, name), in one storage request.</summary>
    public async Task<(TenantProfile Profile, UserAccount User)> GetWithUserAsync(Caller caller, CancellationToken cancellationToken)
    {
        var (profile, user) = IsTenantId(caller.TenantId)
            ? await store.FindProfileAndUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            : (null, null);
        return profile is not null && user is not null ? (profile, user) : throw ProblemException.NotFound("No such tenant.");
    }

    public async Task<UserAccount> GetUserAsync(Caller caller, CancellationToken cancellationToken) =>
        (IsTenantId(caller.TenantId) ? await store.FindUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false) : null)
        ?? throw ProblemException.NotFound("No such user.");

    /// <summary>
    /// Applies the changes. With <paramref name="ifMatch"/> a stale ETag is a 409; without it,
    /// a concurrent write is re-read and the changes applied again. A sphere change deletes
    /// nothing: integrations outside the new sphere just become unavailable.
    /// </summary>
    public async Task<TenantProfile> UpdateAsync(Caller caller, ProfileChanges changes, string? ifMatch, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken).ConfigureAwait(false);
        var sphere = AccountValidation.ValidateChanges(changes, snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null && ifMatch != current.ETag)
            {
                throw ProblemException.PreconditionFailed("The profile changed since you read it. Reload it and try again.");
            }
            var updated = current with
            {
                SphereId = sphere?.Id ?? current.SphereId,
                BusinessName = changes.BusinessName?.Trim() ?? current.BusinessName,
                TimeZone = changes.TimeZone ?? current.TimeZone,
                Country = changes.Country is null ? current.Country : AccountValidation.NormalizeCountry(changes.Country),
                UpdatedAt = time.GetUtcNow(),
            };
            var saved = await store.TryReplaceProfileAsync(updated, cancellationToken).ConfigureAwait(false);
            if (saved is not null)
            {
                cache.Forget(caller.TenantId);
                return saved;
            }
            if (ifMatch is not null) throw ProblemException.PreconditionFailed("The profile changed while saving. Reload it and try again.");
            if (attempt == MaxUpdateAttempts) throw ProblemException.Conflict("The profile kept changing while saving. Try again.");
        }
    }

    public async Task<Usage> GetUsageAsync(Caller caller, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        var period = UsagePeriod.Containing(time.GetUtcNow());
        var used = await usage.ReadAsync(caller.TenantId, period, cancellationToken).ConfigureAwait(false);
        return new Usage(Plan.FromStored(profile.Plan), period, used);
    }

    /// <summary>Billing sets the plan (admin, function key).</summary>
    public async Task<TenantProfile> SetPlanAsync(string tenantId, string? planId, CancellationToken cancellationToken)
    {
        // Anything but a tenant id from the route never reaches a storage key.
        if (!IsTenantId(tenantId))
        {
            throw ProblemException.NotFound($"No tenant has the id '{tenantId}'.");
        }
        var plan = Plan.Find(planId) ?? throw ProblemException.Validation("plan",
            $"Unknown plan '{planId}'. Use one of: {string.Join(", ", Plan.All.Select(p => p.Id))}.");
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
            var saved = await store.TryReplaceProfileAsync(current with { Plan = plan.Id, UpdatedAt = time.GetUtcNow() }, cancellationToken)
                .ConfigureAwait(false);
            if (saved is not null)
            {
                cache.Forget(tenantId);
                return saved;
            }
            if (attempt == MaxUpdateAttempts) throw ProblemException.Conflict("The profile kept changing; try again.");
        }
    }

    private async Task<TenantProfile> FindAsync(string tenantId, CancellationToken cancellationToken) =>
        (IsTenantId(tenantId) ? await store.FindProfileAsync(tenantId, cancellationToken).ConfigureAwait(false) : null)
        ?? throw ProblemException.NotFound("No such tenant.");

    /// <summary>Tenant ids are 32 lowercase hex digits; anything else is no tenant (and never reaches storage as a key).</summary>
    public static bool IsTenantId(string tenantId) => tenantId.Length == 32 && tenantId.All(char.IsAsciiHexDigitLower);
}
