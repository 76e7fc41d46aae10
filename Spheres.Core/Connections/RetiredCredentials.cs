using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Providers;

namespace Spheres.Core.Connections;

/// <summary>
/// Credentials replaced while the provider still delivered with them (a bot's webhook, <see cref="IDeliveryStop.TiedToCredentials"/>):
/// kept on the row as retired until their deliveries are stopped with them, retried on every change, activation and
/// deactivation, so stopping them never becomes impossible. Once the provider confirms, they leave the row and the vault.
/// </summary>
public sealed class RetiredCredentials(ProviderRegistry providers, ICredentialVault vault, IntegrationRows rows)
{
    /// <summary>Whether credentials replaced on this integration must be retired rather than forgotten.</summary>
    public bool MustRetire(Integration current) =>
        current.Status == IntegrationStatus.Active && current.CredentialsRef is not null
        && providers.Find<IDeliveryStop>(current.TypeSlug) is { TiedToCredentials: true };

    /// <summary>Stops what <paramref name="credentialsRef"/> still delivers; null when stopped (or nothing to stop), else why not.</summary>
    public async Task<string?> StopAsync(Integration integration, string? credentialsRef, CancellationToken cancellationToken)
    {
        if (credentialsRef is null || providers.Find<IDeliveryStop>(integration.TypeSlug) is not { TiedToCredentials: true } stop) return null;
        var credentials = await vault.ReadAsync(credentialsRef, cancellationToken).ConfigureAwait(false);
        return credentials is null ? null : (await stop.StopAsync(integration, credentials, cancellationToken).ConfigureAwait(false))?.Detail;
    }

    /// <summary>
    /// Stops the retired credentials' deliveries; once the provider confirms, they are dropped from the row and the vault.
    /// When it does not, <paramref name="noteFailure"/> adds why to the row's status detail (the owner just changed them).
    /// </summary>
    public async Task<Integration> RetireAsync(Integration integration, CancellationToken cancellationToken, bool noteFailure = false)
    {
        if (integration.RetiredCredentialsRef is not { } retired) return integration;
        if (await StopAsync(integration, retired, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return noteFailure
                ? await rows.TrySaveAsync(integration with { StatusDetail = integration.StatusDetail + " " + failure }, cancellationToken).ConfigureAwait(false)
                  ?? integration
                : integration;
        }
        var saved = await rows.TrySaveAsync(integration with { RetiredCredentialsRef = null }, cancellationToken).ConfigureAwait(false);
        if (saved is null) return integration; // changed meanwhile: the next activation retries
        await rows.DeleteSecretQuietlyAsync(retired).ConfigureAwait(false);
        return saved;
    }
}
