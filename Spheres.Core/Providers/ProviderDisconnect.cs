using Microsoft.Extensions.Logging;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>
/// Stops a provider from sending us an integration's traffic, then revokes our grant: its <see cref="IDeliveryStop"/> with
/// the current credentials (and with replaced ones whose deliveries are tied to them), then <see cref="GrantRevocation"/>,
/// which still needs the token the stops used. Calling twice is harmless at every provider. A provider that refuses
/// (token revoked) has nothing left to stop: noted and skipped.
/// </summary>
public sealed class ProviderDisconnect(ProviderRegistry registry, ICredentialVault vault, GrantRevocation revocation, ILogger<ProviderDisconnect> logger)
{
    /// <summary>Account erasure: a provider that does not answer throws <see cref="ProviderUnreachableException"/> and the step is retried.</summary>
    public Task DisconnectAsync(Integration integration, CancellationToken cancellationToken) =>
        DisconnectAsync(integration, retryLater: true, cancellationToken);

    /// <summary>
    /// DELETE of one integration, after its row is gone (nothing retries it): a stop that fails is logged and the grant is
    /// revoked all the same, which ends the provider's deliveries too.
    /// </summary>
    public Task DisconnectOnceAsync(Integration integration, CancellationToken cancellationToken) =>
        DisconnectAsync(integration, retryLater: false, cancellationToken);

    private async Task DisconnectAsync(Integration integration, bool retryLater, CancellationToken cancellationToken)
    {
        var stop = registry.Find<IDeliveryStop>(integration.TypeSlug);
        if (stop is { TiedToCredentials: true } && await CredentialsAsync(integration.RetiredCredentialsRef, cancellationToken).ConfigureAwait(false) is { } retired)
        {
            await StopAsync(stop, integration, retired, retryLater, cancellationToken).ConfigureAwait(false);
        }
        if (await CredentialsAsync(integration.CredentialsRef, cancellationToken).ConfigureAwait(false) is not { } credentials) return;
        if (stop is not null) await StopAsync(stop, integration, credentials, retryLater, cancellationToken).ConfigureAwait(false);
        await revocation.RevokeAsync(integration, credentials, cancellationToken).ConfigureAwait(false);
    }

    private async Task StopAsync(IDeliveryStop stop, Integration integration, IReadOnlyDictionary<string, string> credentials, bool retryLater,
        CancellationToken cancellationToken)
    {
        if (await stop.StopAsync(integration, credentials, cancellationToken).ConfigureAwait(false) is not { } failure) return;
        if (!failure.Answered && retryLater) throw new ProviderUnreachableException(failure.Detail);
        logger.LogWarning("Integration {IntegrationId}: provider not told to stop ({Reason})", integration.Id, failure.Detail);
    }

    private async Task<IReadOnlyDictionary<string, string>?> CredentialsAsync(string? reference, CancellationToken cancellationToken) =>
        reference is null ? null : await vault.ReadAsync(reference, cancellationToken).ConfigureAwait(false);
}
