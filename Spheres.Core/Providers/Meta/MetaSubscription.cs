using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>
/// Meta delivers messages only to apps subscribed to the account: the page (its token's <c>/me</c>; for Instagram the page
/// linked to it, or the Instagram-login account itself) or the WhatsApp business account. Activation routes the account Graph
/// names, then subscribes (repeating it is harmless); disconnecting removes the subscription.
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
    /// Whose subscription to remove: WhatsApp's business account, else the page the token acts for (<c>me</c> is the page for a
    /// page token, as when the app was subscribed, and covers an Instagram account linked to a page).
    /// </summary>
    private static string? Subscriber(Integration integration) => integration.TypeSlug == MetaModule.WhatsApp
        ? integration.Setting("waba_id") is { } waba ? Uri.EscapeDataString(waba) : null
        : integration.Setting("page_id") is { } page ? Uri.EscapeDataString(page) : "me";
}
