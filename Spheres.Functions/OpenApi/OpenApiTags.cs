using System.Text.Json.Nodes;

namespace Spheres.Functions.OpenApi;

/// <summary>The document's endpoint groups and the descriptions of its path parameters, written once here.</summary>
public static class OpenApiTags
{
    public static readonly IReadOnlyList<(string Name, string Description)> All =
    [
        ("accounts", "Sign-up and sign-in, sessions, passwords, the tenant's profile, plan and usage, export and erasure."),
        ("catalog", "The public catalog: spheres and integration types, cached and filtered."),
        ("integrations", "The tenant's integrations: connect by credentials or OAuth consent, activate, change, disconnect."),
        ("working-hours", "When each messaging channel answers: weekly rows, exceptions (holidays) and the status now."),
        ("messages", "Customer messages as they arrived, with the reply each got."),
        ("inbox", "Conversations: one per customer per integration, the owner's own replies, and handing a conversation back to the agent."),
        ("reviews", "Customer reviews: added, imported, analysed (sentiment, aspects) and searched by meaning."),
        ("analytics", "What the professional plan shows: peak hours, sentiment, top questions and recommendations."),
        ("webhooks", "Deliveries from providers, verified on their raw bytes before anything is read."),
        ("admin", "Operations with the function key: the catalog's overrides and reseed, support's tenant lookup, plans."),
        ("meta", "This document, and the health check."),
    ];

    /// <summary>What a route's path parameter is; a parameter nobody described stops the document from being built.</summary>
    public static string PathParameter(string routeTemplate, string name) => (routeTemplate, name) switch
    {
        (_, "id") when routeTemplate.StartsWith("integrations/api/working-hours/", StringComparison.Ordinal) =>
            "The working-hours row's id, as the rows list gives it.",
        (_, "id") when routeTemplate.StartsWith("integrations/api/", StringComparison.Ordinal) => "The integration's id (one of yours; another tenant's is 404).",
        (_, "id") when routeTemplate.StartsWith("reviews/", StringComparison.Ordinal) => "The review's id, as the list gives it.",
        (_, "id") when routeTemplate.StartsWith("messages/", StringComparison.Ordinal) => "The message's id, as the list gives it.",
        (_, "id") when routeTemplate.StartsWith("conversations/", StringComparison.Ordinal) => "The conversation's id, as the list gives it.",
        (_, "slug") when routeTemplate.Contains("spheres", StringComparison.Ordinal) => "The sphere's slug (general, beauty, health).",
        (_, "slug") => "The integration type's slug, such as telegram or booksy.",
        (_, "tenant_id") => "The tenant's id: 32 lowercase hex digits.",
        (_, "date") => "The exception's day: YYYY-MM-DD for one date, MM-DD for the same day every year.",
        (_, "provider") => "The OAuth provider, as its redirect URI names it: google, meta, zoom, calendly, square or zocdoc.",
        (_, "integration_key") => "The bot's webhook key, the last segment of the webhook_url its integration shows.",
        _ => throw new InvalidOperationException($"Describe the path parameter {name} of {routeTemplate} in OpenApiTags."),
    };

    /// <summary>
    /// A path parameter's schema with an example that names something a test tenant has (its first integration, row, …).
    /// A malformed id finds nothing (404); only a date is checked for its shape (400).
    /// </summary>
    public static JsonObject PathParameterSchema(string routeTemplate, string name, bool integer)
    {
        var schema = integer ? new JsonObject { ["type"] = "integer", ["minimum"] = 1 } : new JsonObject { ["type"] = "string", ["minLength"] = 1 };
        var (pattern, examples) = (routeTemplate, name) switch
        {
            (_, "date") => ("^([0-9]{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", new JsonArray("2026-12-25", "01-01")),
            (_, "tenant_id") => ("^[0-9a-f]{32}$", new JsonArray("0f8fad5bd9cb469fa16570867728950e")),
            (_, "slug") when routeTemplate.Contains("spheres", StringComparison.Ordinal) => (null, new JsonArray("beauty")),
            (_, "slug") => (null, new JsonArray("telegram")),
            (_, "provider") => (null, new JsonArray("google")),
            (_, "integration_key") => (null, new JsonArray("6Tk0sZx1Qm2Lw9Pb3Yc4Rg")),
            (_, "id") when routeTemplate.StartsWith("messages/", StringComparison.Ordinal) => (null, new JsonArray("0123456789abcdef01234567")),
            (_, "id") when routeTemplate.StartsWith("reviews/", StringComparison.Ordinal) => (null, new JsonArray("0123456789abcdef01234567")),
            (_, "id") when routeTemplate.StartsWith("conversations/", StringComparison.Ordinal) => (null, new JsonArray("0123456789abcdef01234567")),
            _ when integer => (null, new JsonArray(1)),
            _ => throw new InvalidOperationException($"Give the path parameter {name} of {routeTemplate} an example in OpenApiTags."),
        };
        if (pattern is not null) schema["pattern"] = pattern;
        schema["examples"] = examples;
        return schema;
    }
}
