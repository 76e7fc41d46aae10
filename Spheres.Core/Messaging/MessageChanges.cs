using Microsoft.Extensions.Logging;
using Spheres.Core.Providers;

namespace Spheres.Core.Messaging;

/// <summary>
/// A customer's edit or unsend of a message we stored (API.md, "What a customer message is"): an edit replaces the text
/// (and attachments, when the provider resends them) and sets <c>edited_at</c>; a delete sets <c>deleted</c> and clears the
/// content. Neither is a new message: nothing is counted, queued or answered. A change of a message we never stored (or
/// from someone other than its sender) is ignored.
/// </summary>
public sealed class MessageChanges(MessageStore store, TimeProvider time, ILogger<MessageChanges> logger)
{
    public async Task<bool> ApplyAsync(string tenantId, int integrationId, MessageChange change, CancellationToken cancellationToken)
    {
        var messageId = IncomingMessage.IdOf(integrationId, change.Provider, change.OriginalExternalId);
        var at = change.At ?? time.GetUtcNow();
        var applied = await store.TryChangeAsync(tenantId, messageId, change.Sender, stored => change.Kind switch
        {
            MessageChangeKind.Edit => stored with
            {
                Text = MessagePipeline.Bounded(change.Text ?? ""),
                Attachments = change.Attachments is { Count: > 0 } attachments ? StoredAttachments.Bounded(attachments) : stored.Attachments,
                EditedAt = at,
            },
            _ => stored with { Text = "", Attachments = [], Payload = null, Deleted = true },
        }, cancellationToken).ConfigureAwait(false);
        if (!applied) logger.LogDebug("{Provider} {Kind} of a message we did not store ignored", change.Provider, change.Kind);
        return applied;
    }
}
