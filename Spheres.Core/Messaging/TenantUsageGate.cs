using System.Collections.Concurrent;
using Spheres.Core.Plans;

namespace Spheres.Core.Messaging;

/// <summary>
/// Counted messages of one tenant go through the counter one at a time on this instance, and the
/// counter this instance last wrote is remembered with its ETag. A busy tenant then costs one
/// transaction per message instead of a read and a race of ETag conflicts; another instance's
/// increment still makes the ETag fail, and the pipeline reads the counter again.
/// </summary>
public sealed class TenantUsageGate
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();
    private readonly ConcurrentDictionary<string, (UsagePeriod Period, MessageStore.Usage Usage)> _lastWritten = new();

    public async Task<IDisposable> EnterAsync(string tenantId, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(tenantId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Exit(gate);
    }

    /// <summary>The counter as this instance last wrote it in <paramref name="period"/>; null when unknown.</summary>
    public MessageStore.Usage? Known(string tenantId, UsagePeriod period) =>
        _lastWritten.TryGetValue(tenantId, out var last) && last.Period == period ? last.Usage : null;

    public void Remember(string tenantId, UsagePeriod period, MessageStore.Usage usage) => _lastWritten[tenantId] = (period, usage);

    public void Forget(string tenantId) => _lastWritten.TryRemove(tenantId, out _);

    private sealed class Exit(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }
}
