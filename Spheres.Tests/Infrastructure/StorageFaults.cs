using Azure.Core;
using Azure.Core.Pipeline;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// Makes chosen storage requests fail as an outage would (a transport error before reaching
/// Azurite), to test what a failure half-way leaves behind.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private volatile Func<HttpMessage, bool>? _failWhen;

    public int Injected;

    public void FailWhen(Func<HttpMessage, bool> predicate) => _failWhen = predicate;

    public void Heal() => _failWhen = null;

    private volatile Func<HttpMessage, bool>? _holdWhen;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holdCount;
    private int _held;

    /// <summary>
    /// Holds the chosen requests until <paramref name="count"/> of them are waiting, then lets them all
    /// go at once (and every later one straight through): a race whose contenders have all read before
    /// any of them writes. Gives up waiting after five seconds.
    /// </summary>
    public void HoldUntilTogether(Func<HttpMessage, bool> predicate, int count)
    {
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldTogether = false;
        _holdCount = count;
        _held = 0;
        _holdWhen = predicate;
    }

    /// <summary>True once <see cref="HoldUntilTogether"/> saw all its requests waiting at once (false if it gave up).</summary>
    public bool HeldTogether { get; private set; }

    public static bool IsTableBatch(HttpMessage m) => m.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    public static bool IsTable(HttpMessage m, string table) => m.Request.Uri.Path.Contains("/" + table, StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        if (_holdWhen is { } holdWhen && holdWhen(message))
        {
            var release = _release;
            if (Interlocked.Increment(ref _held) >= _holdCount)
            {
                HeldTogether = true;
                release.TrySetResult();
            }
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        await ProcessNextAsync(message, pipeline);
    }

    private void Fail(HttpMessage message)
    {
        if (_failWhen is { } failWhen && failWhen(message))
        {
            Interlocked.Increment(ref Injected);
            throw new HttpRequestException("injected storage fault");
        }
    }
}
