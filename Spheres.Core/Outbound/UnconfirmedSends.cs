using System.Collections.Concurrent;

namespace Spheres.Core.Outbound;

/// <summary>
/// Sends the provider accepted whose <c>sent</c> could not be written yet (storage away), by send
/// token. The queue delivers the message again once storage is back, and the sender writes
/// <c>sent</c> from here instead of asking the provider again. Per process: a crash loses it, which
/// is the one window <see cref="ReplySender"/> documents. Bounded: entries exist only during an outage.
/// </summary>
public sealed class UnconfirmedSends
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (string ProviderMessageId, DateTimeOffset SentAt)> _sends = new(StringComparer.Ordinal);

    public void Remember(string sendToken, string providerMessageId, DateTimeOffset sentAt)
    {
        // Past the bound, the oldest knowledge is not worth more than the newest: the reply then ends failed, never twice sent.
        if (_sends.Count < MaxEntries) _sends[sendToken] = (providerMessageId, sentAt);
    }

    public (string ProviderMessageId, DateTimeOffset SentAt)? Find(string sendToken) =>
        _sends.TryGetValue(sendToken, out var send) ? send : null;

    public void Forget(string sendToken) => _sends.TryRemove(sendToken, out _);
}
