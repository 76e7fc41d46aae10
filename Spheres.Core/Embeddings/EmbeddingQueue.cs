using System.Text.Json;
using System.Text.Json.Serialization;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Embeddings;

/// <summary>
/// One queue message of the <c>embeddings</c> queue: texts of one tenant to embed (and, for reviews,
/// analyse). <c>kind</c> is <c>review</c> (ids are review ids) or <c>message</c> (ids are inbound
/// message row keys). Handling is idempotent: a row already embedded by the current model is skipped.
/// </summary>
public sealed record EmbeddingRequest(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("ids")] IReadOnlyList<string> Ids,
    [property: JsonPropertyName(QueueTrace.Field), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null)
{
    public const string Review = "review";
    public const string Message = "message";

    /// <summary>Ids per queue message: a batch embeds several times faster than one by one, and stays far below 64 KB.</summary>
    public const int MaxIds = 64;

    public static EmbeddingRequest? TryParse(BinaryData body)
    {
        try
        {
            var request = JsonSerializer.Deserialize<EmbeddingRequest>(body);
            return request is { Kind: Review or Message, TenantId.Length: > 0 and <= 64, Ids.Count: > 0 and <= MaxIds } ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed class EmbeddingQueue(SpheresStorage storage)
{
    public async Task EnqueueAsync(string kind, string tenantId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        var queue = await storage.QueueAsync(TableNames.EmbeddingsQueue, cancellationToken).ConfigureAwait(false);
        using var publish = QueueTrace.StartPublish(TableNames.EmbeddingsQueue);
        foreach (var chunk in ids.Chunk(EmbeddingRequest.MaxIds))
        {
            await queue.SendMessageAsync(BinaryData.FromObjectAsJson(new EmbeddingRequest(kind, tenantId, chunk, QueueTrace.Current())), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
