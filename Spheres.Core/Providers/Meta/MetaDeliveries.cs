using System.Text.Json;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Meta;

/// <summary>What a verified Meta delivery holds: customer messages and changes, each with its account's route key, and how many events were skipped.</summary>
public sealed record MetaReading(IReadOnlyList<DeliveredMessage> Messages, IReadOnlyList<DeliveredChange> Changes, int Skipped);

/// <summary>
/// A Meta delivery event by event. Meta batches many entries (accounts, possibly of many tenants) and many events per entry;
/// an event in a shape we do not read is counted as skipped and the rest are read. Only a body that is no JSON object is refused.
/// </summary>
public static class MetaDeliveries
{
    public static MetaReading Read(byte[] body)
    {
        using var document = PayloadFields.ParseObject(body, "This is not a Meta webhook delivery: the body must be a JSON object.");
        var root = document.RootElement;
        var messages = new List<DeliveredMessage>();
        var changes = new List<DeliveredChange>();
        var skipped = 0;
        var kind = root.OptionalText("object");
        foreach (var entry in root.OptionalArray("entry"))
        {
            var events = kind switch
            {
                "page" => Messaging(MetaModule.Messenger, "messenger", entry),
                "instagram" => Messaging(MetaModule.Instagram, "instagram", entry),
                "whatsapp_business_account" => WhatsApp(entry),
                _ => [],
            };
            foreach (var (routeKey, read) in events)
            {
                try
                {
                    var (message, change) = read();
                    if (message is not null) messages.Add(new DeliveredMessage(routeKey, message));
                    if (change is not null) changes.Add(new DeliveredChange(routeKey, change));
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException)
                {
                    skipped++;
                }
            }
        }
        return new MetaReading(messages, changes, skipped);
    }

    /// <summary>The events of a Messenger or Instagram entry, read lazily so that one failing event is skipped on its own.</summary>
    private static IEnumerable<(string RouteKey, Func<(IncomingMessage?, MessageChange?)> Read)> Messaging(string typeSlug, string provider, JsonElement entry)
    {
        if (entry.OptionalText("id") is not { } accountId) yield break;
        var routeKey = WebhookRoutes.AccountKey(typeSlug, accountId);
        foreach (var item in entry.OptionalArray("messaging"))
        {
            yield return (routeKey, () => MessagingEvents.Read(provider, item));
        }
    }

    private static IEnumerable<(string RouteKey, Func<(IncomingMessage?, MessageChange?)> Read)> WhatsApp(JsonElement entry)
    {
        foreach (var change in entry.OptionalArray("changes"))
        {
            if (change.OptionalObject("value") is not { } value || value.OptionalObject("metadata")?.OptionalText("phone_number_id") is not { } phoneNumberId) continue;
            var routeKey = WebhookRoutes.AccountKey(MetaModule.WhatsApp, phoneNumberId);
            // The customer's profile name comes beside the messages, keyed by their WhatsApp id.
            var names = value.OptionalArray("contacts")
                .Select(c => (Id: c.OptionalText("wa_id"), Name: c.OptionalObject("profile")?.OptionalText("name")))
                .Where(c => c.Id is not null && c.Name is not null)
                .DistinctBy(c => c.Id)
                .ToDictionary(c => c.Id!, c => c.Name!, StringComparer.Ordinal);
            foreach (var item in value.OptionalArray("messages"))
            {
                yield return (routeKey, () => WhatsAppMessages.Read(item, names));
            }
        }
    }
}
