using Spheres.Core.Integrations;
using Spheres.Core.Providers;

namespace Spheres.Core.Outbound;

/// <summary>Where a reply goes: the integration it leaves by, its provider's channel, and the address in that channel.</summary>
public sealed class ReplyAddresses(IntegrationCache cache, ProviderRegistry providers)
{
    public ValueTask<Integration?> IntegrationAsync(ReplyJob job, CancellationToken cancellationToken) =>
        cache.IntegrationAsync(new WebhookRoute(job.TenantId, job.IntegrationId), cancellationToken);

    /// <summary>The channel and address of <paramref name="recipient"/>, or why a reply cannot go there.</summary>
    public async Task<(IReplyChannel? Channel, ReplyAddress? Address, string? Problem)> AddressAsync(Integration integration, string recipient,
        CancellationToken cancellationToken)
    {
        if (providers.Find<IReplyChannel>(integration.TypeSlug) is not { } channel) return (null, null, $"Replies cannot be sent through {integration.TypeSlug}.");
        var credentials = integration.CredentialsRef is { } reference ? await cache.SecretAsync(reference, cancellationToken).ConfigureAwait(false) : null;
        var (address, problem) = channel.Address(integration, credentials, recipient);
        return (channel, address, problem);
    }
}
