using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Spheres.Core.Integrations;
using Spheres.Core.Messaging;
using Spheres.Core.Problems;
using Spheres.Core.Providers;
using Spheres.Core.Reviews;
using Spheres.Core.Telemetry;

namespace Spheres.Core.Webhooks;

/// <summary>What a verified event delivery led to.</summary>
public enum EventOutcome { Stored, Repeat, Ignored }

/// <summary>What a delivery led to: the customer messages stored, what became of its event, and a handshake's answer if it was one.</summary>
public sealed record WebhookResult(IReadOnlyList<InboundMessage> Messages, EventOutcome Events, object? Answer);

/// <summary>
/// Every provider delivery, the same way once its provider module has verified and read it (<see cref="IWebhookReceiver"/>):
/// each message, event and rating is routed on its own by its account's key (so one delivery may carry many tenants'),
/// then messages go through the <see cref="MessagePipeline"/>, edits and deletes change what they name (<see cref="MessageChanges"/>),
/// events are stored once, ratings become reviews. Only storage trouble fails a delivery (503): the provider retries it, and what
/// was stored already is recognised as a repeat.
/// Something for an account nobody connected is acknowledged and logged: the provider would retry anything else for days.
/// </summary>
public sealed class WebhookIntake(
    ProviderRegistry providers, IntegrationCache cache, MessagePipeline pipeline, MessageChanges changes, IntegrationEventStore events,
    ReviewRatings ratings, ILogger<WebhookIntake> logger)
{
    /// <summary>The provider's subscription handshake on <paramref name="endpoint"/>; 404 where it has none.</summary>
    public string Handshake(string endpoint, Func<string, string?> query) =>
        (providers.Handshake(endpoint) ?? throw ProblemException.NotFound("No such webhook.")).Answer(query);

    /// <summary>One delivery, in a <c>webhook {endpoint}</c> span that counts what it carried and stored (never what it said).</summary>
    public async Task<WebhookResult> ReceiveAsync(string endpoint, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        using var activity = SpheresTelemetry.Source.StartActivity($"webhook {endpoint}");
        activity?.SetTag(SpheresTelemetry.Tags.WebhookEndpoint, endpoint);
        try
        {
            var result = await ReceiveVerifiedAsync(endpoint, delivery, activity, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(SpheresTelemetry.Tags.WebhookRouted, result.Messages.Count);
            return result;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    private async Task<WebhookResult> ReceiveVerifiedAsync(string endpoint, WebhookDelivery delivery, Activity? activity, CancellationToken cancellationToken)
    {
        var receiver = providers.Receiver(endpoint) ?? throw ProblemException.NotFound("No such webhook.");
        var reading = await receiver.ReadAsync(delivery, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(SpheresTelemetry.Tags.WebhookMessages, reading.Messages.Count);
        var stored = new List<InboundMessage>();
        foreach (var (routeKey, message) in reading.Messages)
        {
            if (await RouteAsync(endpoint, routeKey, cancellationToken).ConfigureAwait(false) is not { } route)
            {
                SpheresTelemetry.Messages.Add(1, new(SpheresTelemetry.Tags.Provider, message.Provider), new(SpheresTelemetry.Tags.Decision, "none"),
                    new(SpheresTelemetry.Tags.Outcome, "unrouted"), new(SpheresTelemetry.Tags.Counted, false));
                continue;
            }
            try
            {
                stored.Add(await pipeline.ProcessAsync(new RoutedMessage(route.TenantId, route.IntegrationId, message), cancellationToken).ConfigureAwait(false));
            }
            catch (ProblemException e) when (e.Status == 404)
            {
                // Its integration or tenant went between routing and storing (a DELETE racing the delivery): the others still count.
                logger.LogInformation("{Endpoint} message for a removed integration skipped", endpoint);
            }
        }
        foreach (var (routeKey, change) in reading.Changes)
        {
            if (await RouteAsync(endpoint, routeKey, cancellationToken).ConfigureAwait(false) is not { } route) continue;
            await changes.ApplyAsync(route.TenantId, route.IntegrationId, change, cancellationToken).ConfigureAwait(false);
        }
        var outcome = reading.Events.Count == 0 ? EventOutcome.Ignored : EventOutcome.Repeat;
        foreach (var delivered in reading.Events)
        {
            if (await RouteAsync(endpoint, delivered.RouteKey, cancellationToken).ConfigureAwait(false) is not { } route)
            {
                outcome = EventOutcome.Ignored;
                continue;
            }
            var isNew = await events.TryStoreAsync(new IntegrationEvent(route.TenantId, route.IntegrationId, delivered.Provider, delivered.EventId,
                delivered.Kind, delivered.OccurredAt, delivered.Payload), cancellationToken).ConfigureAwait(false);
            if (isNew) outcome = EventOutcome.Stored;
        }
        if (reading.Ratings.Count > 0) await ratings.ReceiveAsync(reading.Ratings, cancellationToken).ConfigureAwait(false);
        return new WebhookResult(stored, outcome, reading.Answer);
    }

    private async Task<WebhookRoute?> RouteAsync(string endpoint, string routeKey, CancellationToken cancellationToken)
    {
        var route = await cache.RouteAsync(routeKey, cancellationToken).ConfigureAwait(false);
        if (route is null) logger.LogWarning("{Endpoint} delivery for an account nobody connected ({RouteKey}) ignored", endpoint, routeKey);
        return route;
    }
}
