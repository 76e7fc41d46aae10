using System.Text.Json;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Calendly;

/// <summary>Calendly's REST calls with a tenant's token: who the user is, and our webhook subscription for its invitee events.</summary>
public sealed class CalendlyApi(AccountLookup lookup, ProviderApiClient api, WebhookUrls urls, IOptions<CalendlyOptions> options)
{
    /// <summary>Calendly's <c>GET /users/me</c>: the user's URI (the routing id) and its current organization's (for webhook subscriptions).</summary>
    public async Task<(string UserUri, string? OrganizationUri)> UserAsync(string token, CancellationToken cancellationToken)
    {
        var me = await lookup.GetAsync(options.Value.BaseUrl + "/users/me", token, cancellationToken).ConfigureAwait(false);
        var organization = me.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object
            && resource.TryGetProperty("current_organization", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null;
        return (AccountLookup.Text(me, "resource", "uri"), organization);
    }

    /// <summary>Invitee events of this user, signed with our Calendly signing key (the one <c>/api/webhooks/calendly/</c> verifies).</summary>
    public async Task<PushSetUp> SubscribeAsync(Integration integration, string accessToken, string userUri, string? organizationUri,
        CancellationToken cancellationToken)
    {
        if (organizationUri is null) throw new ProviderCallException("Calendly named no organization for the user.", true);
        var signingKey = ConfiguredSecrets.Require(options.Value.SigningKey, SettingNames.CalendlySigningKey);
        var answer = await api.PostJsonAsync($"{options.Value.BaseUrl}/webhook_subscriptions", accessToken, new
        {
            url = urls.For(integration), events = new[] { "invitee.created", "invitee.canceled" }, organization = organizationUri, user = userUri,
            scope = "user", signing_key = signingKey,
        }, cancellationToken).ConfigureAwait(false);
        var uri = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("resource", out var resource) ? ProviderApiClient.Text(resource, "uri") : null;
        return new PushSetUp("webhook_subscription_uri", uri ?? throw new ProviderCallException("Calendly's answer named no subscription.", true), null);
    }

    /// <summary>Only a subscription under Calendly's own API base is ever deleted with the tenant's token.</summary>
    public Task UnsubscribeAsync(string accessToken, string subscriptionUri, CancellationToken cancellationToken) =>
        subscriptionUri.StartsWith(options.Value.BaseUrl + "/", StringComparison.Ordinal)
            ? api.TrySendAsync(HttpMethod.Delete, subscriptionUri, accessToken, null, cancellationToken)
            : Task.CompletedTask;
}
