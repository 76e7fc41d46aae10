using Microsoft.Extensions.Logging;

namespace Spheres.Core.Storage;

/// <summary>
/// Whether this instance reaches its storage: one list request to the Table service and one to the Queue service,
/// side by side, within <see cref="Timeout"/> (the platform's health probe and a load balancer want a quick answer, not
/// the clients' own retries). The answer is shared for <see cref="CacheFor"/>: the endpoint is anonymous, so a flood of
/// probes costs two storage requests per instance per period, and concurrent probes wait on the same check.
/// </summary>
public sealed class StorageHealth(SpheresStorage storage, TimeProvider time, ILogger<StorageHealth> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<bool>? _check;
    private DateTimeOffset _checkedAt;

    /// <summary>True when both services answered; false on any failure or timeout (logged by its type, never its message).</summary>
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        Task<bool> check;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_check is null || (_check.IsCompleted && now - _checkedAt >= CacheFor))
            {
                _check = CheckAsync();
                _checkedAt = now;
            }
            check = _check;
        }
        return check.WaitAsync(cancellationToken);
    }

    private async Task<bool> CheckAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var tables = ProbeAsync("tables", () => storage.ProbeTablesAsync(timeout.Token));
        var queues = ProbeAsync("queues", () => storage.ProbeQueuesAsync(timeout.Token));
        var answers = await Task.WhenAll(tables, queues).ConfigureAwait(false);
        return answers.All(ok => ok);
    }

    private async Task<bool> ProbeAsync(string service, Func<Task> probe)
    {
        try
        {
            await probe().ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning("Health check: storage {Service} did not answer ({Error})", service, e.GetType().Name);
            return false;
        }
    }
}
