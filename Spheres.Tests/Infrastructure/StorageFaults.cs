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

    private volatile Race? _race;

    /// <summary>
    /// Holds the chosen requests until <paramref name="count"/> of them are waiting, then lets them all
    /// go at once (and every later one straight through): a race whose contenders have all read before
    /// any of them writes. Gives up waiting after <paramref name="timeout"/> (five seconds by default), and
    /// then <see cref="Race.Happened"/> is false: a race test asserts it, so it cannot pass without its race.
    /// Dispose the race to stop holding.
    /// </summary>
    public Race HoldUntilTogether(Func<HttpMessage, bool> predicate, int count, TimeSpan? timeout = null)
    {
        return new Race(predicate, count, timeout ?? TimeSpan.FromSeconds(5)).AlsoOn(this);
    }

    public sealed class Race(Func<HttpMessage, bool> predicate, int count, TimeSpan timeout) : IDisposable
    {
        private readonly List<StorageFaults> _owners = [];
        private readonly TaskCompletionSource _together = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;
        private int _gaveUp;

        /// <summary>
        /// Whether all <c>count</c> contenders were waiting at the same time before any went on: none of
        /// them gave up waiting before the last arrived (one after another, each times out instead).
        /// </summary>
        public bool Happened => _together.Task.IsCompleted && Volatile.Read(ref _gaveUp) == 0;

        /// <summary>How many chosen requests arrived (more than count once losers retry).</summary>
        public int Arrived => Volatile.Read(ref _arrived);

        internal async ValueTask WaitAsync(HttpMessage message)
        {
            if (!predicate(message)) return;
            var arrived = Interlocked.Increment(ref _arrived);
            if (arrived > count) return;
            if (arrived == count) _together.TrySetResult();
            if (await Task.WhenAny(_together.Task, Task.Delay(timeout)) != _together.Task) Interlocked.Exchange(ref _gaveUp, 1);
        }

        /// <summary>Holds the other host's requests in the same race too: contenders from two app instances.</summary>
        public Race AlsoOn(StorageFaults faults)
        {
            faults._race = this;
            faults._lastRace = this;
            _owners.Add(faults);
            return this;
        }

        public void Dispose()
        {
            foreach (var owner in _owners) Interlocked.CompareExchange(ref owner._race, null, this);
        }
    }

    private volatile Race? _lastRace;

    /// <summary>Requests the last race chose so far (held, or let through once it was over).</summary>
    public int Held => _lastRace?.Arrived ?? 0;

    /// <summary>The last race's <see cref="Race.Happened"/>: its contenders all met, none having given up waiting.</summary>
    public bool Gathered => _lastRace?.Happened ?? false;

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
        if (_race is { } race) await race.WaitAsync(message);
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
