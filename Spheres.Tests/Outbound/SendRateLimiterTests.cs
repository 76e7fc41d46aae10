using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Providers.Telegram;

namespace Spheres.Tests.Outbound;

/// <summary>Telegram's rates: one message a second to a chat, thirty a second from a bot.</summary>
public sealed class SendRateLimiterTests
{
    [Fact]
    public void A_second_message_to_the_same_chat_within_a_second_waits_for_the_rest_of_that_second()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SendRateLimiter(clock);

        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("bot", "chat"));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(700), limiter.TryReserve("bot", "chat"));
        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("bot", "another chat"));
        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("another bot", "chat"));
        clock.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("bot", "chat"));
    }

    [Fact]
    public void The_thirty_first_message_of_a_bot_within_a_second_waits_until_the_first_leaves_the_window()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var limiter = new SendRateLimiter(clock);
        for (var chat = 0; chat < SendRateLimiter.PerBotPerSecond; chat++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.TryReserve("bot", $"chat {chat}"));
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(700), limiter.TryReserve("bot", "chat 30"));
        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("other bot", "chat 30"));
        clock.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal(TimeSpan.Zero, limiter.TryReserve("bot", "chat 30"));
    }
}
