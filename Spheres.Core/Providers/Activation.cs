using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Providers;

/// <summary>
/// Setting an integration up at its provider when it is activated (a bot's webhook, a push channel, an app subscription),
/// after the row that remembers each step. Types routed by an account and without one of these are activated by
/// <see cref="AccountRouting"/> alone; the rest need nothing at the provider.
/// </summary>
public interface IActivation : IProviderCapability
{
    /// <summary>
    /// Returns the row as saved. A provider that refuses or does not answer leaves status <c>error</c> with a reason
    /// (<see cref="IntegrationRows.FailAsync"/>) and throws the problem: 400 <c>provider-refused</c>, 502 <c>provider-unreachable</c>.
    /// </summary>
    Task<Integration> ActivateAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken);
}

/// <summary>Why a provider did not confirm that it stopped: the sentence an owner reads, and whether it answered at all.</summary>
public sealed record StopFailure(string Detail, bool Answered);

/// <summary>
/// Stopping the provider's deliveries to us (Telegram <c>deleteWebhook</c>, Calendar <c>channels.stop</c>, Gmail
/// <c>users.stop</c>, Meta's <c>subscribed_apps</c> removal), when the integration is deleted or its tenant erased.
/// </summary>
public interface IDeliveryStop : IProviderCapability
{
    /// <summary>
    /// True when deliveries are set up with the tenant's credentials themselves and reach us until stopped with them (a
    /// bot's webhook): they are stopped on deactivation too, and replaced credentials are kept until theirs are stopped.
    /// </summary>
    bool TiedToCredentials { get; }

    /// <summary>Null when stopped (or there was nothing to stop with these credentials).</summary>
    Task<StopFailure?> StopAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken);
}

/// <summary>A provider could not be reached; an erasure step that needs it is retried later.</summary>
public sealed class ProviderUnreachableException(string message) : Exception(message);

/// <summary>The answers an owner gets when a provider refuses or does not answer during a setup.</summary>
public static class ProviderProblems
{
    public const string ProviderRefusedType = "provider-refused";
    public const string ProviderUnreachableType = "provider-unreachable";

    public static ProblemException Refused(string title, string detail) => new(400, ProviderRefusedType, title, detail);

    public static ProblemException Unreachable(string title, string detail) => new(502, ProviderUnreachableType, title, detail);

    /// <summary>An ownership check that failed: refused (400) or not answered (502).</summary>
    public static ProblemException Of(ProviderAccountException e, string refusedDetail) => e.Answered
        ? Refused("The provider refused the credentials.", refusedDetail)
        : Unreachable("The provider did not answer.", e.Message + " Try again in a minute.");
}
