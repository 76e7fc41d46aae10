namespace Spheres.Core.Providers.Telegram;

/// <summary>
/// Telegram's send rates on this instance: at most one message a second to one chat and
/// <see cref="PerBotPerSecond"/> a second from one bot. A send reserves its slot before it goes;
/// when none is free the caller is told how long to wait, and defers the queue message by that much
/// (never sleeps). Real time, not the app's clock: Telegram and the queue count real seconds.
/// Per instance: with several instances Telegram's 429 <c>retry_after</c> is the backstop.
/// </summary>
public sealed class SendRateLimiter(TimeProvider realTime, int perBotPerSecond = SendRateLimiter.PerBotPerSecond)
{
    public const int PerBotPerSecond = 30;
    public static readonly TimeSpan PerChatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Bounds memory whatever the traffic: past this many chats, the ones idle for a window are forgotten.</summary>
    private const int MaxTrackedChats = 50_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastToChat = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recentFromBot = new(StringComparer.Ordinal);

    /// <summary>Reserves a send from <paramref name="bot"/> to <paramref name="chat"/> now: <see cref="TimeSpan.Zero"/>, or how long to wait (nothing reserved).</summary>
    public TimeSpan TryReserve(string bot, string chat)
    {
        var now = realTime.GetUtcNow();
        var chatKey = bot + "\n" + chat;
        lock (_lock)
        {
            var wait = TimeSpan.Zero;
            if (_lastToChat.TryGetValue(chatKey, out var last) && now - last < PerChatInterval)
            {
                wait = PerChatInterval - (now - last);
            }
            if (!_recentFromBot.TryGetValue(bot, out var recent))
            {
                _recentFromBot[bot] = recent = new Queue<DateTimeOffset>();
            }
            while (recent.Count > 0 && now - recent.Peek() >= Window) recent.Dequeue();
            if (recent.Count >= perBotPerSecond)
            {
                var botWait = Window - (now - recent.Peek());
                if (botWait > wait) wait = botWait;
            }
            if (wait > TimeSpan.Zero) return wait;
            recent.Enqueue(now);
            if (_lastToChat.Count >= MaxTrackedChats) Prune(now);
            _lastToChat[chatKey] = now;
            return TimeSpan.Zero;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var stale in _lastToChat.Where(e => now - e.Value >= PerChatInterval).Select(e => e.Key).ToList())
        {
            _lastToChat.Remove(stale);
        }
        foreach (var idle in _recentFromBot.Where(e => e.Value.Count == 0 || now - e.Value.Last() >= Window).Select(e => e.Key).ToList())
        {
            _recentFromBot.Remove(idle);
        }
    }
}
