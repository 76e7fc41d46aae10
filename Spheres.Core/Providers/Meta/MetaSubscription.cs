using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Meta delivers messages only to apps subscribed to the account: the page (its token's <c>/me</c>; for Instagram the page
/// linked to it, or the Instagram-login account itself) or the WhatsApp business account. Activation routes the account Graph
/// names, remembers on the row which account it subscribes (<see cref="Integration.SubscribedAccount"/>: Graph's <c>/me</c>
/// for the token, or the business account Graph listed the routed number under), then subscribes (repeating it is
/// harmless); disconnecting removes exactly that subscription, whatever the tenant has typed in settings since.
/// </summary>
public sealed class MetaSubscription(AccountRouting routing, AccountLookup lookup, ProviderApiClient api, MetaGraph graph, IntegrationRows rows,
    ConnectionRequirements requirements) : IActivation, IDeliveryStop
{
    public IReadOnlyCollection<string> TypeSlugs => MetaModule.TypeSlugs;

    /// <summary>Our app's subscription is to the account, not to the tenant's token: it stays when credentials change.</summary>
    public bool TiedToCredentials => false;

    /// <summary>Without the app subscription Meta sends nothing; a refusal or silence leaves status <c>error</c> saying so.</summary>
    public async Task<Integration> ActivateAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        var pointed = await routing.RouteAsync(integration, credentials, cancellationToken).ConfigureAwait(false);
        try
        {
            // The row remembers the subscription before Meta hears of it.
            pointed = await rows.SaveAsync(pointed with { SubscribedAccount = await SubscriberAsync(pointed, credentials, cancellationToken).ConfigureAwait(false) },
                cancellationToken).ConfigureAwait(false);
            await SubscribeAsync(pointed, credentials, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e)
        {
            var detail = "Meta did not subscribe Spheres to the account, so no messages would arrive: " + e.Message;
            throw await rows.FailAsync(pointed, detail, ProviderProblems.Of(e, detail), cancellationToken).ConfigureAwait(false);
        }
        return pointed;
    }

    public async Task<StopFailure?> StopAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (Subscriber(integration) is not { } subscriber
            || (credentials.GetValueOrDefault("page_access_token") ?? credentials.GetValueOrDefault("access_token")) is not { } token)
        {
            return null;
        }
        try
        {
            await api.SendAsync(HttpMethod.Delete, graph.Url($"/{subscriber}/subscribed_apps"), token, null, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ProviderCallException e)
        {
            return new StopFailure("Meta subscribed_apps removal: " + e.Message, e.Answered);
        }
    }

    private async Task SubscribeAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        var token = credentials.GetValueOrDefault(requirements.For(integration.TypeSlug).PrimaryCredential)
                    ?? throw new ArgumentException("The credentials are missing their token.");
        var path = integration.TypeSlug switch
        {
            MetaModule.WhatsApp => $"/{Uri.EscapeDataString(integration.Setting("waba_id") ?? "")}/subscribed_apps",
            MetaModule.Messenger => "/me/subscribed_apps?subscribed_fields=messages,messaging_postbacks",
            _ => "/me/subscribed_apps?subscribed_fields=messages",
        };
        var answer = await lookup.SendAsync(HttpMethod.Post, graph.Url(path), token, cancellationToken).ConfigureAwait(false);
        if (!answer.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True)
        {
            throw new ProviderAccountException("Meta did not confirm the app subscription.", answered: true);
        }
    }

    /// <summary>
    /// Whose subscription activation makes: WhatsApp's business account (ownership listed the routed number under it for this
    /// token), else the account the token acts for, as Graph names it (<c>/me</c>: the page of a page token, which also covers
    /// an Instagram account linked to it, or the Instagram-login account itself).
    /// </summary>
    private async Task<string> SubscriberAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        if (integration.TypeSlug == MetaModule.WhatsApp)
        {
            return integration.Setting("waba_id") ?? throw new ProviderAccountException("No WhatsApp Business account to subscribe.", answered: true);
        }
        if (integration.TypeSlug == MetaModule.Messenger && integration.Setting("page_id") is { } page && integration.RouteKey == RouteOf(integration, page))
        {
            return page; // just named by Graph's /me for this token, and routed
        }
        var token = credentials.GetValueOrDefault(requirements.For(integration.TypeSlug).PrimaryCredential)
                    ?? throw new ArgumentException("The credentials are missing their token.");
        return AccountLookup.Text(await lookup.GetAsync(graph.Url("/me?fields=id"), token, cancellationToken).ConfigureAwait(false), "id");
    }

    /// <summary>
    /// Whose subscription to remove: the one activation remembered. A row activated before activation remembered it falls
    /// back to what the token itself acts for (<c>me</c>), never to a setting.
    /// </summary>
    private static string? Subscriber(Integration integration) =>
        integration.SubscribedAccount is { } account ? Uri.EscapeDataString(account)
        : integration.TypeSlug == MetaModule.WhatsApp ? null
        : "me";

    private static string RouteOf(Integration integration, string accountId) => WebhookRoutes.AccountKey(integration.TypeSlug, accountId);
}
