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

    public static bool IsTableBatch(HttpMessage m) => m.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    public static bool IsTable(HttpMessage m, string table) => m.Request.Uri.Path.Contains("/" + table, StringComparison.Ordinal);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Fail(message);
        return ProcessNextAsync(message, pipeline);
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
