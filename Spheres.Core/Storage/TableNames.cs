namespace Spheres.Core.Storage;

/// <summary>Every table and queue the app uses; the Bicep template creates the same names.</summary>
public static class TableNames
{
    public const string Catalog = "Catalog";

    /// <summary>Tenant rows, partitioned by tenant id: profile, users, usage counters.</summary>
    public const string Tenants = "Tenants";

    /// <summary>Global: one row per registered email (hashed key), the uniqueness guarantee.</summary>
    public const string EmailIndex = "EmailIndex";

    /// <summary>Global: failed-login counters per email (hashed key).</summary>
    public const string LoginAttempts = "LoginAttempts";

    /// <summary>Tenant rows: integrations, their id sequence and one-per-type markers.</summary>
    public const string Integrations = "Integrations";

    /// <summary>Global: provider account / webhook key -> tenant and integration, written at activation.</summary>
    public const string WebhookRoutes = "WebhookRoutes";

    /// <summary>
    /// Tenant rows: inbound messages (newest first) with their identity rows, the monthly usage counters, and the inbox's
    /// conversations (one per customer per integration, a copy under its last activity, its timeline): one transaction stores a
    /// message, counts it and adds it to its conversation.
    /// </summary>
    public const string Messages = "Messages";

    /// <summary>Tenant rows: events of scheduling and calendar providers (bookings, meetings, calendar changes).</summary>
    public const string IntegrationEvents = "IntegrationEvents";

    /// <summary>Queue of messages handed to the AI agent (decision agent).</summary>
    public const string AgentRequestsQueue = "agent-requests";

    /// <summary>Queue of automatic answers to send (out_of_hours, quota_exceeded), and the inbox's human replies (human).</summary>
    public const string AutoRepliesQueue = "auto-replies";

    /// <summary>Tenant rows: integrations' weekly working hours, their exceptions, a version row per integration and a row id sequence.</summary>
    public const string WorkingHours = "WorkingHours";

    /// <summary>The local credential store's ciphertext (only where no Key Vault is configured).</summary>
    public const string Credentials = "Credentials";

    /// <summary>Tenant rows: the one reply per inbound message (its send state) and the out-of-hours claim per customer and closed period.</summary>
    public const string Replies = "Replies";

    /// <summary>Queue of the AI agent's answers to send: <c>{message_id, tenant_id, integration_id, text}</c>.</summary>
    public const string AgentRepliesQueue = "agent-replies";

    /// <summary>Account erasures in progress: one job row per tenant (partition = tenant id), deleted when the erasure is done.</summary>
    public const string AccountErasures = "AccountErasures";

    /// <summary>
    /// Global tables (not partitioned by tenant) whose rows name a tenant in a <c>TenantId</c> column. Account erasure
    /// deletes a tenant's rows in these by that column; a new global table that points at tenants belongs here.
    /// </summary>
    public static IReadOnlyList<string> TenantIndexTables { get; } = [WebhookRoutes, OAuthStates, UnqueuedReplies];

    /// <summary>Global: live OAuth states (keyed by the state's hash, naming tenant and integration), and per tenant one slot row per integration.</summary>
    public const string OAuthStates = "OAuthStates";

    /// <summary>Queue of account erasures to run or resume: <c>{"tenant_id": "…"}</c>.</summary>
    public const string AccountErasureQueue = "account-erasures";

    /// <summary>Tenant rows: reviews (newest first) with their analysis and vector, and one (source, external_id) marker per imported review.</summary>
    public const string Reviews = "Reviews";

    /// <summary>Queue of texts to embed and analyse off the request path (reviews, inbound messages).</summary>
    public const string EmbeddingsQueue = "embeddings";

    /// <summary>
    /// Queue of password-reset mails to send: <c>{request_id, email_key}</c>, the key of the email's <see cref="EmailIndex"/> row. Never
    /// the address, never a token: the token is made by the function that sends the mail.
    /// </summary>
    public const string PasswordResetMailQueue = "password-reset-mail";

    /// <summary>Tenant rows: computed analytics per period (top questions) and a stamp row whose ETag changes whenever their data does.</summary>
    public const string Analytics = "Analytics";

    /// <summary>Tenant rows: providers' send rates held across instances, a few slot rows per sending account and one row per recipient.</summary>
    public const string SendBudgets = "SendBudgets";

    /// <summary>Global: human replies written but maybe not queued yet (one partition, rows of requests in flight), naming tenant, conversation and reply.</summary>
    public const string UnqueuedReplies = "UnqueuedReplies";
}
