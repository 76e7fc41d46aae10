using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>How a consent ended besides success; the callback turns it into its redirect's <c>error</c> code.</summary>
public enum ConsentOutcome { Connected, ExchangeFailed, Conflict, PushFailed }

/// <summary>A push the provider set up: the setting that remembers it, its value, and when it lapses (Google's do).</summary>
public sealed record PushSetUp(string Setting, string Value, DateTimeOffset? ExpiresAt);

/// <summary>
/// Connecting an integration type by OAuth consent: the provider, the least-privilege scopes of each type, and what the
/// callback does with fresh tokens. The account's identity is read with the new token before anything is stored; then
/// the tokens go to the vault and the row points at them; then the route is named and claimed; then push is set up
/// (<see cref="ConsentSteps"/>). An identity the provider did not give is a <see cref="ProviderAccountException"/>.
/// </summary>
public interface IOAuthConsent : IProviderCapability
{
    OAuthProvider Provider { get; }

    IReadOnlyList<string> ScopesFor(string typeSlug);

    /// <summary>What the callback will need besides our client (a Pub/Sub topic, a signing key): 503 <c>not-configured</c> before the owner is sent anywhere.</summary>
    void EnsureConfigured(string typeSlug)
    {
    }

    Task<ConsentOutcome> CompleteAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken);
}

/// <summary>The steps every consent ends with: a push set up after the row that names it, and the integration made active.</summary>
public sealed class ConsentSteps(IntegrationRows rows, ILogger<ConsentSteps> logger)
{
    /// <summary>
    /// Push set up after the row that names it, its answer saved with status <c>active</c>. Refused: status <c>error</c>
    /// with why. Set up but not saved (the row changed meanwhile, or storage failed): undone at the provider.
    /// </summary>
    public async Task<ConsentOutcome> SetUpPushAsync(Integration integration, Func<Task<PushSetUp>> setUp, Func<PushSetUp, Task> undo,
        CancellationToken cancellationToken)
    {
        PushSetUp done;
        try
        {
            done = await setUp().ConfigureAwait(false);
        }
        catch (ProviderCallException e)
        {
            logger.LogWarning("OAuth: push for integration {IntegrationId} not set up: {Reason}", integration.Id, e.Message);
            await rows.TrySaveAsync(integration with
            {
                Status = IntegrationStatus.Error, StatusDetail = $"Connected, but the provider refused to send us its events ({e.Message}) Connect again.",
            }, cancellationToken).ConfigureAwait(false);
            return ConsentOutcome.PushFailed;
        }
        var settings = integration.Settings;
        settings[done.Setting] = done.Value;
        Integration? saved = null;
        try
        {
            saved = await rows.TrySaveAsync(integration with
            {
                SettingsJson = settings.ToJsonString(), PushExpiresAt = done.ExpiresAt, Status = IntegrationStatus.Active, StatusDetail = null,
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (saved is null) await undo(done).ConfigureAwait(false); // changed meanwhile, or storage failed: nothing remembers it
        }
        return saved is null ? ConsentOutcome.Conflict : ConsentOutcome.Connected;
    }

    public async Task<ConsentOutcome> ActivateAsync(Integration integration, CancellationToken cancellationToken)
    {
        await rows.SaveAsync(integration with { Status = IntegrationStatus.Active, StatusDetail = null }, cancellationToken).ConfigureAwait(false);
        return ConsentOutcome.Connected;
    }
}

/// <summary>
/// Consent for types whose account the provider names for the token (Zoom, Square), or that route by nothing (Zocdoc):
/// the account is resolved with the new token alone (a value left in settings never decides), the tokens stored, the
/// account routed as activation routes it, and the integration made active.
/// </summary>
public abstract class RoutedAccountConsent(ProviderRegistry registry, ConnectionRequirements requirements, IntegrationRows rows, ConsentSteps steps)
    : IOAuthConsent
{
    public abstract IReadOnlyCollection<string> TypeSlugs { get; }

    public abstract OAuthProvider Provider { get; }

    public abstract IReadOnlyList<string> ScopesFor(string typeSlug);

    public async Task<ConsentOutcome> CompleteAsync(Integration integration, OAuthTokens tokens, CancellationToken cancellationToken)
    {
        var requirement = requirements.For(integration.TypeSlug);
        if (requirement.RoutingSetting is not { } routing || registry.Find<IAccountOwnership>(integration.TypeSlug) is not { } ownership)
        {
            var stored = await rows.StoreCredentialsAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt, null, cancellationToken).ConfigureAwait(false);
            return await steps.ActivateAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        var accountId = await ownership.ResolveAsync(requirement, new Dictionary<string, string> { [requirement.PrimaryCredential] = tokens.AccessToken },
            new JsonObject(), cancellationToken).ConfigureAwait(false);
        var saved = await rows.StoreCredentialsAsync(integration, tokens.ToCredentials(), tokens.ExpiresAt, null, cancellationToken).ConfigureAwait(false);
        var routed = await rows.RouteToAccountAsync(saved, routing, accountId, cancellationToken).ConfigureAwait(false);
        return await steps.ActivateAsync(routed, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What a renewal of a lapsing push ended in.</summary>
public enum RenewalOutcome { Renewed, NotDue, Busy, RetryLater, NotRenewable }

/// <summary>Renewing a push the provider lets lapse (Google Calendar channels, Gmail watches), with a fresh access token.</summary>
public interface IPushRenewal : IProviderCapability
{
    /// <summary>How long before it lapses a push of <paramref name="typeSlug"/> is renewed.</summary>
    TimeSpan RenewBefore(string typeSlug);

    /// <summary>Provider failures throw <see cref="ProviderCallException"/>: the next run retries.</summary>
    Task<RenewalOutcome> RenewAsync(Integration integration, string accessToken, CancellationToken cancellationToken);
}
