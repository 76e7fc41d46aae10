using Spheres.Core.Messaging;

namespace Spheres.Core.Outbound;

/// <summary>The reply of each message as the owner sees it (API.md, the message's <c>reply</c>).</summary>
public sealed class MessageReplies(ReplyStore store)
{
    /// <summary>
    /// Stored replies by message id, and a <c>pending</c> one for an automatic reply still in its
    /// queue (the sender writes the row when it takes it). Agent messages have none until the agent answers.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Reply>> ForAsync(string tenantId, IReadOnlyList<InboundMessage> messages, CancellationToken cancellationToken)
    {
        var stored = await store.FindManyAsync(tenantId, messages.Select(m => m.Id).ToList(), cancellationToken).ConfigureAwait(false);
        var all = new Dictionary<string, Reply>(stored, StringComparer.Ordinal);
        foreach (var m in messages)
        {
            if (all.ContainsKey(m.Id) || m.ReplyText is null) continue;
            var kind = m.Decision switch
            {
                MessageDecision.OutOfHours => ReplyKind.OutOfHours,
                MessageDecision.QuotaExceeded => ReplyKind.QuotaExceeded,
                _ => (ReplyKind?)null,
            };
            if (kind is { } k)
                all[m.Id] = new Reply(tenantId, m.Id, m.IntegrationId, k, m.ReplyText, m.Recipient, ReplyStatus.Pending, m.ReceivedAt);
        }
        return all;
    }
}
