using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>What a provider said to one send.</summary>
public abstract record SendOutcome
{
    /// <summary>Accepted; the provider's id of the message it sent.</summary>
    public sealed record Sent(string ProviderMessageId) : SendOutcome;

    /// <summary>Not sent, and worth asking again: after <paramref name="After"/> when the provider said, else after our backoff.</summary>
    public sealed record RetryLater(TimeSpan? After, string Reason) : SendOutcome;

    /// <summary>Not sent, and never will be (blocked bot, closed 24-hour window, unknown recipient, revoked token).</summary>
    public sealed record Refused(string Reason) : SendOutcome;

    /// <summary>The provider may or may not have sent it (no answer in time): not asked again, so not sent twice.</summary>
    public sealed record Unknown(string Reason) : SendOutcome;
}

/// <summary>Where a reply goes: the provider's account to send from, the customer to send to, and the credentials that act for the account.</summary>
public sealed record ReplyAddress(string Channel, string Account, string Recipient, IReadOnlyDictionary<string, string> Credentials);

/// <summary>A channel replies leave by (Telegram <c>sendMessage</c>, Graph's <c>/messages</c>).</summary>
public interface IReplyChannel : IProviderCapability
{
    /// <summary>
    /// Where a reply to <paramref name="recipient"/> on <paramref name="integration"/> goes, or why it cannot go
    /// (<paramref name="credentials"/> are the integration's, null when it has none).
    /// </summary>
    (ReplyAddress? Address, string? Problem) Address(Integration integration, IReadOnlyDictionary<string, string>? credentials, string recipient);

    /// <summary>
    /// The provider's send rate, held by all instances together: <see cref="TimeSpan.Zero"/> with the slot reserved, or how long
    /// to wait (nothing reserved). The caller defers the queue message by that much, never sleeps.
    /// </summary>
    Task<TimeSpan> ReserveAsync(ReplyAddress address, CancellationToken cancellationToken) => Task.FromResult(TimeSpan.Zero);

    Task<SendOutcome> SendAsync(ReplyAddress address, string text, CancellationToken cancellationToken);
}
