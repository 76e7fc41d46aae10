using System.Collections.Concurrent;
using NodaTime;

namespace Spheres.Core.WorkingHours;

/// <summary>
/// The <see cref="IWorkingScheduleSource"/> of the app: reads an integration's rows and exceptions
/// with one query (<see cref="WorkingHoursStore.LoadAsync"/>), compiles them for the zone, and keeps
/// the result for <see cref="Lifetime"/> per (tenant, integration, zone), timed by the injected
/// <see cref="TimeProvider"/>. An edit on this instance calls <see cref="Invalidate"/>, so this
/// instance answers with the new schedule at once; other instances within <see cref="Lifetime"/>.
/// </summary>
/// <remarks>
/// The message pipeline calls <see cref="GetAsync"/> on every inbound message, so a hit costs no
/// I/O and no allocation. Expired entries are swept at most once per <see cref="Lifetime"/>, which
/// keeps memory to the integrations that received messages recently.
/// </remarks>
public sealed class CachedWorkingScheduleSource(WorkingHoursStore store, TimeProvider time) : IWorkingScheduleSource
{
    /// <summary>How long a compiled schedule is reused before it is read again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string TenantId, int IntegrationId), Entry> _entries = new();
    private long _invalidations;
    private long _nextSweepTicks;

    /// <summary>One compiled schedule; valid for one zone only (a profile's zone change misses the cache).</summary>
    private sealed record Entry(string TimeZone, WorkingSchedule Schedule, DateTimeOffset ExpiresAt);

    /// <inheritdoc />
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException">The zone is not an IANA id.</exception>
    public async ValueTask<WorkingSchedule> GetAsync(string tenantId, int integrationId, string timeZone, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        SweepIfDue(now);
        if (_entries.TryGetValue((tenantId, integrationId), out var entry) && entry.ExpiresAt > now
            && string.Equals(entry.TimeZone, timeZone, StringComparison.Ordinal))
        {
            return entry.Schedule;
        }
        return await LoadAsync(tenantId, integrationId, timeZone, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and compiles the schedule now, bypassing the cache (and refreshing it). The status endpoint uses this.</summary>
    public async Task<WorkingSchedule> LoadAsync(string tenantId, int integrationId, string timeZone, CancellationToken cancellationToken)
    {
        var zone = DateTimeZoneProviders.Tzdb[timeZone];
        var startedAt = time.GetUtcNow();
        var invalidationsBefore = Interlocked.Read(ref _invalidations);
        var stored = await store.LoadAsync(tenantId, integrationId, cancellationToken).ConfigureAwait(false);
        var schedule = WorkingSchedule.Compile(stored.WeekRows, stored.Exceptions, zone);
        // A read that overlapped an edit may hold the old schedule: use it for this answer, but do not keep it.
        if (Interlocked.Read(ref _invalidations) == invalidationsBefore)
        {
            _entries[(tenantId, integrationId)] = new Entry(timeZone, schedule, startedAt + Lifetime);
        }
        return schedule;
    }

    /// <summary>Forgets the integration's schedule; every edit calls this once it has committed (or may have).</summary>
    public void Invalidate(string tenantId, int integrationId)
    {
        Interlocked.Increment(ref _invalidations);
        _entries.TryRemove((tenantId, integrationId), out _);
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + Lifetime).UtcTicks, due) != due)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now) _entries.TryRemove(new KeyValuePair<(string, int), Entry>(key, entry));
        }
    }
}
