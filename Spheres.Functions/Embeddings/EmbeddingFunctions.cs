using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Spheres.Core.Embeddings;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Functions.Embeddings;

/// <summary>
///   queue "embeddings"       embed (and for reviews analyse) the texts a message names, off the request path
///   timer every 10 minutes   queue reviews whose vector is missing or from another model
/// </summary>
public sealed class EmbeddingFunctions(EmbeddingWorker worker, EmbeddingRefresh refresh, ILogger<EmbeddingFunctions> logger)
{
    [Function("EmbedTexts")]
    public Task Embed(
        [QueueTrigger(TableNames.EmbeddingsQueue, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken) =>
        QueueWork.RunAsync(TableNames.EmbeddingsQueue, message, async body =>
        {
            if (EmbeddingRequest.TryParse(BinaryData.FromString(body)) is not { } request)
            {
                // Retrying cannot fix a malformed message; say so once instead of poisoning the queue.
                logger.LogWarning("Ignored a malformed embeddings queue message ({Length} characters)", body.Length);
                return;
            }
            await worker.HandleAsync(request, cancellationToken);
        });

    [Function("RefreshEmbeddings")]
    public async Task Refresh([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        await refresh.RunAsync(cancellationToken);
}
