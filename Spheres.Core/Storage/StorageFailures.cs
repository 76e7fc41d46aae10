using Azure;

namespace Spheres.Core.Storage;

/// <summary>Tells an outage (retry later: 503) from a request the storage service rejected.</summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception, CancellationToken requestAborted = default) => exception switch
    {
        // Status 0: the transport never got an answer (refused, reset, DNS).
        RequestFailedException { Status: 0 or 500 or 502 or 503 or 504 } => true,
        HttpRequestException => true,
        // A timeout inside the SDK surfaces as a cancellation the caller did not ask for.
        OperationCanceledException when !requestAborted.IsCancellationRequested => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => IsUnavailable(e, requestAborted)),
        _ => false,
    };
}
