using Azure.Core;
using Azure.Core.Pipeline;

namespace Spheres.Tests.Infrastructure;

/// <summary>Counts every request the storage clients send (each retry too): the round trips a feature costs.</summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}
