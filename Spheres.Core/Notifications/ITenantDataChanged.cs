namespace Spheres.Core.Notifications;

/// <summary>What changed in a tenant's data that another feature may have derived something from.</summary>
public enum TenantDataChange
{
    /// <summary>Inbound messages got their vectors (the embedding worker, off the request path).</summary>
    MessagesEmbedded,

    /// <summary>Reviews got their sentiment, aspects and vectors (the embedding worker).</summary>
    ReviewsAnalysed,

    /// <summary>A review was deleted by its owner (already committed).</summary>
    ReviewDeleted,

    /// <summary>An integration's working hours or exceptions were edited (already committed, or maybe: a lost answer).</summary>
    WorkingHoursChanged,
}

/// <summary>
/// The one in-process notification between features: the feature that owns some data says it changed, and the
/// feature that derives from it (analytics' cached reports) decides what that means, so neither calls the other.
/// A change already committed (an edit) must not fail because a listener did: listeners log those. A change whose
/// listener must see it (new vectors) lets the failure through, so the queue message that made it is delivered again.
/// </summary>
public interface ITenantDataChanged
{
    Task OnChangedAsync(string tenantId, TenantDataChange change, CancellationToken cancellationToken);
}

/// <summary>Nobody derives anything from tenant data (a host without analytics).</summary>
public sealed class NoTenantDataListeners : ITenantDataChanged
{
    public Task OnChangedAsync(string tenantId, TenantDataChange change, CancellationToken cancellationToken) => Task.CompletedTask;
}
